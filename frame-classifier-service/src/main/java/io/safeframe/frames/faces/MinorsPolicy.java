package io.safeframe.frames.faces;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The apparent-minor rule's numbers (the "minors" section of policy/classifier-policy.json; where each comes from is
 * in its notes and docs/video-moderation.md). A frame is <em>signalled</em> when any category in {@code signals} scores
 * at or over its {@code min}; only signalled frames are searched for faces (an apparent minor alone means nothing, and
 * face search costs up to ≈0.6 s a frame). On a signalled frame a face scoring over {@code faceScoreMin} whose apparent age
 * is under {@code minorAge} counts as a minor — with the signal's {@code onMinor} decision — and under
 * {@code uncertainAge} as uncertain (REVIEW).
 */
@RegisterForReflection
public record MinorsPolicy(String code, String name, String notes, Map<String, Signal> signals, double faceScoreMin, double minorAge,
        double uncertainAge, int blockMinFrames) {

    /** A category that makes a frame worth searching for faces, and what a minor on such a frame leads to. */
    @RegisterForReflection
    public record Signal(double min, String onMinor) {

        public Signal {
            if (min <= 0 || min > 1 || !("BLOCK".equals(onMinor) || "REVIEW".equals(onMinor))) {
                throw new IllegalStateException("minors policy signal: need 0 < min <= 1 and onMinor BLOCK or REVIEW");
            }
        }

        public boolean blocks() {
            return "BLOCK".equals(onMinor);
        }
    }

    /** The signal a frame carries: the category and its score. */
    public record Signalled(String category, double score, Signal signal) {
    }

    public MinorsPolicy {
        if (code == null || code.isBlank() || signals == null || signals.isEmpty()) {
            throw new IllegalStateException("minors policy: code and signals are required");
        }
        if (faceScoreMin <= 0 || faceScoreMin >= 1 || minorAge <= 0 || uncertainAge < minorAge || blockMinFrames < 1) {
            throw new IllegalStateException("minors policy: need 0 < faceScoreMin < 1, 0 < minorAge <= uncertainAge, blockMinFrames >= 1");
        }
        signals = Map.copyOf(signals);
    }

    /** The signal at or over its min, a blocking one before a reviewing one, then the higher score; or null. */
    public Signalled signal(Map<String, Double> scores) {
        Signalled best = null;
        for (var s : signals.entrySet()) {
            double score = scores.getOrDefault(s.getKey(), 0.0);
            if (score < s.getValue().min()) {
                continue;
            }
            Signalled here = new Signalled(s.getKey(), score, s.getValue());
            if (best == null || here.signal().blocks() && !best.signal().blocks()
                    || here.signal().blocks() == best.signal().blocks() && score > best.score()) {
                best = here;
            }
        }
        return best;
    }

    public boolean minor(double age) {
        return age < minorAge;
    }

    /** Under the uncertainty margin (includes minors): the estimate's error is too large to call it adult. */
    public boolean uncertain(double age) {
        return age < uncertainAge;
    }
}
