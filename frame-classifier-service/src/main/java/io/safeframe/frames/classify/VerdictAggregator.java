package io.safeframe.frames.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.faces.MinorsRule;

/**
 * Per-frame results → one verdict for the video, with the frames and timestamps that drove it. Bank matches
 * decide first (a known-bad frame is a fact, not a probability); then the classifier categories with the
 * policy's k-of-n and duration rules; then sexual content with an apparent minor ({@link MinorsRule}). Also the
 * vPDQ-style video-to-video scores per matched bank video (label): the share of the query's hashable frames that matched it, and the share of its frames that were matched.
 */
public final class VerdictAggregator {

    private static final int MAX_EVIDENCE = 5;

    private final ClassifierPolicy policy;
    private final MinorsRule minorsRule;
    private final BiFunction<String, String, Integer> entriesWithLabel;

    public VerdictAggregator(ClassifierPolicy policy, BiFunction<String, String, Integer> entriesWithLabel) {
        this.policy = policy;
        this.minorsRule = new MinorsRule(policy.minors());
        this.entriesWithLabel = entriesWithLabel;
    }

    public record VideoMatch(String bank, String label, double queryShare, double bankShare) {
    }

    public Verdict verdict(List<FrameResult> frames, double secondsPerSample) {
        Decision decision = Decision.ALLOW;
        String rule = "classifier:" + policy.model();
        List<String> reasons = new ArrayList<>();
        List<Evidence> evidence = new ArrayList<>();
        Map<String, Double> categoryScores = new HashMap<>();

        // 1. hash banks
        HashBanks.Hit strongest = null;
        FrameResult strongestFrame = null;
        for (FrameResult f : frames) {
            for (HashBanks.Hit h : f.hits()) {
                boolean better = strongest == null || rank(h.bank().decision()) > rank(strongest.bank().decision())
                        || (rank(h.bank().decision()) == rank(strongest.bank().decision()) && h.distance() < strongest.distance());
                if (better) {
                    strongest = h;
                    strongestFrame = f;
                }
                categoryScores.merge(h.bank().category(), 1.0, Math::max);
                if (evidence.size() < MAX_EVIDENCE) {
                    evidence.add(Evidence.newBuilder().setRuleId("bank:" + h.bank().name()).setCategory(h.bank().category())
                            .setMatched(h.label().isEmpty() ? h.hash().hex() : h.label()).setTimestampMs(f.timestampMs())
                            .setScore(1.0 - h.distance() / 256.0).build());
                }
            }
        }
        if (strongest != null) {
            decision = Decision.valueOf(strongest.bank().decision());
            rule = "bank:" + strongest.bank().name();
            reasons.add("frame at " + seconds(strongestFrame.timestampMs()) + " matches a known item in bank " + strongest.bank().name()
                    + " (" + strongest.bank().category() + ", distance " + strongest.distance() + ")");
            for (VideoMatch m : videoMatches(frames)) {
                evidence.add(Evidence.newBuilder().setRuleId("vpdq:" + m.bank()).setMatched(m.label())
                        .setScore(Math.min(m.queryShare(), m.bankShare())).setTimestampMs(-1).build());
                reasons.add(String.format(java.util.Locale.ROOT, "%.0f%% of sampled frames match %s/%s (%.0f%% of its frames)",
                        100 * m.queryShare(), m.bank(), m.label(), 100 * m.bankShare()));
            }
        }

        // 2. classifier categories
        for (ClassifierPolicy.Category c : policy.categories()) {
            List<FrameResult> over = new ArrayList<>();
            FrameResult top = null;
            for (FrameResult f : frames) {
                double s = f.scores().getOrDefault(c.code(), 0.0);
                if (top == null || s > top.scores().getOrDefault(c.code(), 0.0)) {
                    top = f;
                }
                if (s >= c.block()) {
                    over.add(f);
                }
            }
            if (top == null) {
                continue;
            }
            double max = top.scores().getOrDefault(c.code(), 0.0);
            categoryScores.merge(c.code(), max, Math::max);
            // the model alone never blocks on one frame: a single still over the line goes to a human (REVIEW)
            boolean block = !over.isEmpty() && (over.size() >= c.blockMinFrames()
                    || c.blockMinSeconds() > 0 && over.size() * secondsPerSample >= c.blockMinSeconds());
            Decision d = block ? Decision.BLOCK : max >= c.review() ? Decision.REVIEW : Decision.ALLOW;
            if (d != Decision.ALLOW) {
                List<FrameResult> driving = block ? over : List.of(top);
                driving.stream().sorted(Comparator.comparingDouble((FrameResult f) -> -f.scores().get(c.code()))).limit(MAX_EVIDENCE)
                        .forEach(f -> evidence.add(Evidence.newBuilder().setRuleId("classifier:" + policy.model() + ":" + c.code())
                                .setCategory(c.code()).setTimestampMs(f.timestampMs()).setScore(f.scores().get(c.code())).build()));
                reasons.add(String.format(java.util.Locale.ROOT, "%s: %d of %d sampled frames at or over %.2f, highest %.2f at %s",
                        c.name(), over.size(), frames.size(), c.block(), max, seconds(top.timestampMs())));
            }
            if (rank(d.name()) > rank(decision.name())) {
                decision = d;
                rule = "classifier:" + policy.model() + ":" + c.code();
            }
        }
        // 3. sexual content with an apparent minor
        MinorsRule.Outcome minors = minorsRule.judge(frames.stream().map(f -> new MinorsRule.Seen(f.timestampMs(), f.scores(), f.faces())).toList());
        String publicReason = "";
        if (minors.decision() != Decision.ALLOW) {
            evidence.addAll(minors.evidence());
            reasons.add(minors.reason());
            // A fired rule scores 1.0, as a bank match does. report-service queues a case under the verdict's top-scored
            // category, so this is also what puts the case in the sexual_minors queue (severity 10, SLA 1 h).
            categoryScores.merge(policy.minors().code(), 1.0, Math::max);
            publicReason = MinorsRule.PUBLIC_REASON;
            // at equal rank the more specific finding names the verdict, except a bank match (a known item is a fact)
            if (rank(minors.decision().name()) > rank(decision.name())
                    || rank(minors.decision().name()) == rank(decision.name()) && !rule.startsWith("bank:")) {
                decision = minors.decision();
                rule = MinorsRule.RULE_ID;
            }
        }
        Verdict.Builder v = Verdict.newBuilder().setPublicReason(publicReason).setDecision(decision).setRuleId(rule).setPolicyVersion(policy.version())
                .setSource("frame-classifier").setVerdictId(UUID.randomUUID().toString())
                .setReason(decision == Decision.ALLOW ? "no frame matched a bank or crossed a category threshold" : String.join("; ", reasons))
                .addAllEvidence(evidence);
        categoryScores.forEach((k, s) -> v.addCategories(CategoryScore.newBuilder().setCategory(k).setScore(s)));
        return v.build();
    }

    /** Per matched bank video (bank + label): the vPDQ-style shares. */
    public List<VideoMatch> videoMatches(List<FrameResult> frames) {
        long hashable = frames.stream().filter(f -> f.quality() >= policy.hashQualityMin()).count();
        Map<String, Set<Integer>> queryFrames = new HashMap<>();
        Map<String, Set<Integer>> bankEntries = new HashMap<>();
        for (FrameResult f : frames) {
            for (HashBanks.Hit h : f.hits()) {
                if (h.label().isEmpty()) {
                    continue;
                }
                String key = h.bank().name() + "\u0000" + h.label();
                queryFrames.computeIfAbsent(key, k -> new HashSet<>()).add(f.index());
                bankEntries.computeIfAbsent(key, k -> new HashSet<>()).add(h.entry());
            }
        }
        List<VideoMatch> out = new ArrayList<>();
        for (var e : queryFrames.entrySet()) {
            String[] parts = e.getKey().split("\u0000", 2);
            int total = Math.max(1, entriesWithLabel.apply(parts[0], parts[1]));
            out.add(new VideoMatch(parts[0], parts[1], hashable == 0 ? 0 : e.getValue().size() / (double) hashable,
                    Math.min(1.0, bankEntries.get(e.getKey()).size() / (double) total)));
        }
        out.sort(Comparator.comparingDouble((VideoMatch m) -> -m.queryShare()));
        return out;
    }

    private static int rank(String decision) {
        return switch (decision) {
            case "BLOCK" -> 3;
            case "REVIEW" -> 2;
            case "ALLOW" -> 1;
            default -> 0;
        };
    }

    private static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
