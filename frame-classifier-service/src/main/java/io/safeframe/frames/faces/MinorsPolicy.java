package io.safeframe.frames.faces;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The apparent-minor rule's numbers (the "minors" section of policy/classifier-policy.json; where each comes from is
 * in its notes and docs/video-moderation.md). A frame is <em>signalled</em> when any category in {@code signals} scores
 * at or over its threshold; only signalled frames are searched for faces (an apparent minor alone means nothing, and
 * face search costs ≈0.6 s a frame). On a signalled frame a face scoring over {@code faceScoreMin} whose apparent age
 * is under {@code minorAge} counts as a minor; under {@code uncertainAge} as uncertain.
 */
@RegisterForReflection
public record MinorsPolicy(String code, String name, String notes, Map<String, Double> signals, double faceScoreMin, double minorAge,
        double uncertainAge, int blockMinFrames) {

    public MinorsPolicy {
        if (code == null || code.isBlank() || signals == null || signals.isEmpty()) {
            throw new IllegalStateException("minors policy: code and signals are required");
        }
        if (faceScoreMin <= 0 || faceScoreMin >= 1 || minorAge <= 0 || uncertainAge < minorAge || blockMinFrames < 1) {
            throw new IllegalStateException("minors policy: need 0 < faceScoreMin < 1, 0 < minorAge <= uncertainAge, blockMinFrames >= 1");
        }
        signals = Map.copyOf(signals);
    }

    /** The strongest signal at or over its threshold, or null. */
    public Map.Entry<String, Double> signal(Map<String, Double> scores) {
        Map.Entry<String, Double> best = null;
        for (var s : signals.entrySet()) {
            double score = scores.getOrDefault(s.getKey(), 0.0);
            if (score >= s.getValue() && (best == null || score > best.getValue())) {
                best = Map.entry(s.getKey(), score);
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
