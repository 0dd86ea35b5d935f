package io.safeframe.gateway.generation;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.Verdict;

/** A verdict as the app sees it: decision, categories, what fired and why. */
@RegisterForReflection
public record VerdictView(String source, String decision, Map<String, Double> categories, String ruleId,
        String policyVersion, String reason, List<Map<String, Object>> evidence, String verdictId,
        List<Map<String, Object>> normalisation) {

    public static VerdictView of(Verdict v) {
        Map<String, Double> categories = new java.util.LinkedHashMap<>();
        v.getCategoriesList().forEach(c -> categories.put(c.getCategory(), c.getScore()));
        List<Map<String, Object>> evidence = new java.util.ArrayList<>();
        for (Evidence e : v.getEvidenceList()) {
            Map<String, Object> item = new java.util.LinkedHashMap<>();
            item.put("ruleId", e.getRuleId());
            item.put("category", e.getCategory());
            item.put("matched", e.getMatched());
            item.put("spans", e.getSpansList().stream().map(s -> List.of(s.getStart(), s.getEnd())).toList());
            item.put("score", e.getScore());
            if (v.getSource().equals("frame-classifier")) {
                // where in the clip a frame finding is
                item.put("timestampMs", e.getTimestampMs());
            }
            evidence.add(item);
        }
        return new VerdictView(v.getSource(), v.getDecision().name(), categories, v.getRuleId(), v.getPolicyVersion(),
                v.getReason(), evidence, v.getVerdictId().isEmpty() ? null : v.getVerdictId(), null);
    }

    /**
     * A prompt-guard verdict with the normalisation steps that were undone before matching (spans point into the
     * original prompt), so a moderator sees how an obfuscated prompt was read.
     */
    public static VerdictView ofScreening(io.safeframe.api.v1.ScreenResponse screened) {
        VerdictView v = of(screened.getVerdict());
        List<Map<String, Object>> steps = screened.getNormalisationList().stream()
                .map(n -> Map.<String, Object>of("step", n.getStep(), "changes", n.getChanges(), "example", n.getExample())).toList();
        return new VerdictView(v.source(), v.decision(), v.categories(), v.ruleId(), v.policyVersion(), v.reason(), v.evidence(),
                v.verdictId(), steps);
    }
}
