package io.safeframe.gateway.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.SafetyLabel;

/**
 * What people said about each arm of a canary (docs/policy-lifecycle.md, canary): the screening rates per arm are
 * metrics, but only humans can tell over-blocking from catching more. Every label carries the policy version its
 * machine verdict was made under, so the labels of verdicts made by the canary and by live are counted apart: how
 * many were judged, how many a human overturned (flagged but judged not violating; allowed but judged violating),
 * and how many appeals were reversed.
 */
final class CanaryOutcomes {

    /** Human judgements of a machine verdict; active-learning labels ("labelling") judge prompts, not verdicts. */
    private static final Set<String> JUDGEMENTS = Set.of("moderator_decision", "dispute", "appeal");

    private CanaryOutcomes() {
    }

    static Map<String, Object> of(PolicyVersion live, PolicyVersion canary, List<SafetyLabel> labels) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("canaryVersion", canary.getVersion());
        out.put("canaryLabel", canary.getLabel());
        out.put("liveVersion", live.getVersion());
        out.put("liveLabel", live.getLabel());
        out.put("labelsRead", labels.size());
        out.put("live", arm(live.getLabel(), labels));
        out.put("canary", arm(canary.getLabel(), labels));
        return out;
    }

    private static Map<String, Object> arm(String policyLabel, List<SafetyLabel> labels) {
        int judged = 0;
        int overFlagged = 0;
        int missed = 0;
        int appeals = 0;
        int appealsReversed = 0;
        for (SafetyLabel l : labels) {
            if (!JUDGEMENTS.contains(l.getSource()) || !policyLabel.equals(l.getPolicyVersion()) || l.getMachineDecision().isEmpty()) {
                continue;
            }
            judged++;
            boolean flagged = !"ALLOW".equals(l.getMachineDecision());
            boolean violating = "BLOCK".equals(l.getDecision());
            overFlagged += flagged && !violating ? 1 : 0;
            missed += !flagged && violating ? 1 : 0;
            if ("appeal".equals(l.getSource())) {
                appeals++;
                appealsReversed += "REVERSED".equals(l.getAction()) ? 1 : 0;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("judged", judged);
        m.put("overFlagged", overFlagged);
        m.put("missed", missed);
        m.put("overturnRate", BacktestView.rate(overFlagged + missed, judged));
        m.put("appeals", appeals);
        m.put("appealsReversed", appealsReversed);
        m.put("appealReversalRate", BacktestView.rate(appealsReversed, appeals));
        return m;
    }
}
