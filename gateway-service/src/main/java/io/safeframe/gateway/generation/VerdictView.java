package io.safeframe.gateway.generation;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.Verdict;

/**
 * A verdict as staff see it: decision, categories, what fired (matched text, spans, frames) and why. The account that
 * made the request sees {@link #forOwner()}, which keeps the category and a human reason only.
 */
@RegisterForReflection
public record VerdictView(String source, String decision, Map<String, Double> categories, String ruleId,
        String policyVersion, String reason, List<Map<String, Object>> evidence, String verdictId,
        List<Map<String, Object>> normalisation, String publicReason) {

    /**
     * What the end user is shown: matched text, spans, scores, frame timestamps and normalisation steps are an oracle
     * for rephrasing a prompt (or perturbing a clip) until nothing matches, so they stay with the moderators.
     */
    public VerdictView forOwner() {
        List<Map<String, Object>> categoriesOnly = evidence == null ? List.of()
                : evidence.stream().map(e -> Map.<String, Object>of("ruleId", e.get("ruleId"), "category", e.get("category")))
                        .distinct().toList();
        String shown = publicReason != null && !publicReason.isEmpty() ? publicReason : reason;
        return new VerdictView(source, decision, categories, ruleId, policyVersion, shown, categoriesOnly, verdictId, null, null);
    }

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
                // where in the clip a finding is, and what it was read from: a frame, text on screen or speech
                item.put("timestampMs", e.getTimestampMs());
                item.put("modality", e.getModality().isEmpty() ? "frame" : e.getModality());
                if (e.getEndTimestampMs() > 0) {
                    item.put("endTimestampMs", e.getEndTimestampMs());
                }
                if (e.hasRegion()) {
                    item.put("region", Map.of("x", e.getRegion().getX(), "y", e.getRegion().getY(), "width", e.getRegion().getWidth(),
                            "height", e.getRegion().getHeight()));
                }
            }
            evidence.add(item);
        }
        return new VerdictView(v.getSource(), v.getDecision().name(), categories, v.getRuleId(), v.getPolicyVersion(),
                v.getReason(), evidence, v.getVerdictId().isEmpty() ? null : v.getVerdictId(), null,
                v.getPublicReason().isEmpty() ? null : v.getPublicReason());
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
                v.verdictId(), steps, v.publicReason());
    }
}
