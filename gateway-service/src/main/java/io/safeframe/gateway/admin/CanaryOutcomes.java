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
 * and how many appeals were reversed. Beside the labels, the user-report rate: of each arm's videos published since
 * the canary began (their prompt screened under that arm's policy), the share that people reported.
 */
final class CanaryOutcomes {

    /** Human judgements of a machine verdict; active-learning labels ("labelling") judge prompts, not verdicts. */
    private static final Set<String> JUDGEMENTS = Set.of("moderator_decision", "dispute", "appeal");

    private CanaryOutcomes() {
    }

    /** At most this many published videos per arm are looked up (the newest); more is flagged as truncated. */
    static final int MAX_PUBLISHED = 10_000;

    /** An arm's published videos since the canary began and how many of them people reported. */
    record Reports(int published, int reported, boolean truncated) {
    }

    /** The canary began when the version entered that state: its last change while it is in canary. */
    static java.time.Instant canarySince(PolicyVersion canary) {
        return java.time.Instant.ofEpochSecond(canary.getUpdatedAt().getSeconds(), canary.getUpdatedAt().getNanos());
    }

    @SuppressWarnings("unchecked")
    static String headline(Map<String, Object> figures) {
        Map<String, Object> live = (Map<String, Object>) figures.get("live");
        Map<String, Object> canary = (Map<String, Object>) figures.get("canary");
        return "overturn rate live " + live.get("overturnRate") + " / canary " + canary.get("overturnRate") + ", user-report rate live "
                + live.get("userReportRate") + " / canary " + canary.get("userReportRate") + " (" + live.get("judged") + " and "
                + canary.get("judged") + " judged, " + live.get("published") + " and " + canary.get("published") + " published)";
    }

    static Map<String, Object> of(PolicyVersion live, PolicyVersion canary, List<SafetyLabel> labels, Reports liveReports,
            Reports canaryReports) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("since", canarySince(canary).toString());
        out.put("canaryVersion", canary.getVersion());
        out.put("canaryLabel", canary.getLabel());
        out.put("liveVersion", live.getVersion());
        out.put("liveLabel", live.getLabel());
        out.put("labelsRead", labels.size());
        out.put("live", arm(live.getLabel(), labels, liveReports));
        out.put("canary", arm(canary.getLabel(), labels, canaryReports));
        return out;
    }

    private static Map<String, Object> arm(String policyLabel, List<SafetyLabel> labels, Reports reports) {
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
        m.put("published", reports.published());
        m.put("reported", reports.reported());
        m.put("userReportRate", BacktestView.rate(reports.reported(), reports.published()));
        m.put("publishedTruncated", reports.truncated());
        return m;
    }
}
