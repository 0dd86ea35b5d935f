package io.safeframe.frames.faces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.Region;

/**
 * Sexual content together with an apparent minor (policy: {@link MinorsPolicy}). Per sampled frame with a sexual
 * signal, the youngest face decides: under minorAge the frame is a minor frame, under uncertainAge an uncertain one.
 * BLOCK when at least blockMinFrames minor frames carry a blocking signal (sexual); REVIEW when any frame is minor
 * under a reviewing signal (suggestive) or uncertain (an estimate a few years off either way is normal for this
 * model); nothing otherwise — faces without a sexual signal are never looked at, an apparent minor alone is not a
 * finding.
 */
public final class MinorsRule {

    public static final String RULE_ID = "faces:sexual_minors";
    /** What the owner is told: no ages, no scores (no oracle for making someone look older). */
    public static final String PUBLIC_REASON = "sexual content with an apparent minor";
    private static final int MAX_EVIDENCE = 5;

    /** One sampled frame as the rule needs it. */
    public record Seen(long timestampMs, Map<String, Double> scores, List<FaceAges.Face> faces) {
    }

    public record Outcome(Decision decision, List<Evidence> evidence, String reason) {
    }

    private record Hit(Seen frame, MinorsPolicy.Signalled signal, FaceAges.Face youngest) {
    }

    private final MinorsPolicy policy;

    public MinorsRule(MinorsPolicy policy) {
        this.policy = policy;
    }

    public Outcome judge(List<Seen> frames) {
        List<Hit> minor = new ArrayList<>();
        List<Hit> uncertain = new ArrayList<>();
        for (Seen f : frames) {
            MinorsPolicy.Signalled signal = policy.signal(f.scores());
            FaceAges.Face youngest = f.faces().stream().filter(x -> !Double.isNaN(x.age()) && x.box().score() > policy.faceScoreMin())
                    .min(Comparator.comparingDouble(FaceAges.Face::age)).orElse(null);
            if (signal == null || youngest == null) {
                continue;
            }
            if (policy.minor(youngest.age())) {
                minor.add(new Hit(f, signal, youngest));
            } else if (policy.uncertain(youngest.age())) {
                uncertain.add(new Hit(f, signal, youngest));
            }
        }
        if (minor.isEmpty() && uncertain.isEmpty()) {
            return new Outcome(Decision.ALLOW, List.of(), "");
        }
        boolean block = minor.stream().filter(h -> h.signal().signal().blocks()).count() >= policy.blockMinFrames();
        List<Hit> driving = new ArrayList<>(minor);
        driving.addAll(uncertain);
        driving.sort(Comparator.comparingDouble((Hit h) -> h.youngest().age()));
        List<Evidence> evidence = new ArrayList<>();
        for (Hit h : driving.subList(0, Math.min(MAX_EVIDENCE, driving.size()))) {
            FaceBox b = h.youngest().box();
            evidence.add(Evidence.newBuilder().setModality("frame").setRuleId(RULE_ID).setCategory(policy.code())
                    .setTimestampMs(h.frame().timestampMs()).setScore(h.signal().score())
                    .setMatched(String.format(Locale.ROOT, "apparent age %.1f (face score %.2f) with %s %.2f", h.youngest().age(), b.score(),
                            h.signal().category(), h.signal().score()))
                    .setRegion(Region.newBuilder().setX((int) Math.max(0, Math.round(b.x()))).setY((int) Math.max(0, Math.round(b.y())))
                            .setWidth((int) Math.round(b.width())).setHeight((int) Math.round(b.height())))
                    .build());
        }
        Hit first = driving.get(0);
        String reason = String.format(Locale.ROOT, "%s: %d sampled frame(s) with a face under apparent age %.0f and %d more under %.0f, "
                + "each with a sexual signal; youngest %.1f at %.1f s", policy.name(), minor.size(), policy.minorAge(), uncertain.size(),
                policy.uncertainAge(), first.youngest().age(), first.frame().timestampMs() / 1000.0);
        return new Outcome(block ? Decision.BLOCK : Decision.REVIEW, evidence, reason);
    }
}
