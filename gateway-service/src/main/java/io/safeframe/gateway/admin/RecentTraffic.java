package io.safeframe.gateway.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.LabelledPrompt;
import io.safeframe.api.v1.SafetyLabel;
import io.safeframe.api.v1.WindowedScreening;

/**
 * Recent live screenings as backtest lines (docs/policy-lifecycle.md, backtest on live traffic): a screening whose
 * generation a moderator or an appeal later judged carries that human label, so the backtest can say how precise
 * each policy is on real traffic; every other screening is unlabelled and counts only in what each policy would hold
 * or block. The live decision of the time is never used as a label: the point is to check it.
 */
final class RecentTraffic {

    /** The newest labels read to find human judgements of windowed prompts (report-service's maximum). */
    static final int LABELS = 500;

    private RecentTraffic() {
    }

    static List<LabelledPrompt> lines(List<WindowedScreening> window, List<SafetyLabel> labels) {
        Map<String, SafetyLabel> byJob = new HashMap<>();
        for (SafetyLabel label : labels) {
            // labels come newest first: an appeal's outcome, later than the decision it reviews, wins
            if ("PROMPT".equals(label.getTargetKind()) && !label.getTargetId().isBlank()) {
                byJob.putIfAbsent(label.getTargetId(), label);
            }
        }
        List<LabelledPrompt> out = new ArrayList<>(window.size());
        for (WindowedScreening s : window) {
            SafetyLabel label = byJob.get(s.getTarget());
            LabelledPrompt.Builder line = LabelledPrompt.newBuilder().setText(s.getText());
            if (label == null) {
                line.setUnlabelled(true);
            } else if ("BLOCK".equals(label.getDecision())) {
                line.setUnsafe(true).setCategory(label.getCategory());
            }
            out.add(line.build());
        }
        return out;
    }

    /**
     * The report's changed lines without the text of prompts nobody judged: the window holds every user's prompts, and
     * a reviewer sees those only as counts (shifts) and as their decisions and rules; prompts a moderator already read
     * in a case keep their text.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withholdUnjudgedText(Map<String, Object> view) {
        List<Map<String, Object>> changes = (List<Map<String, Object>>) view.get("changes");
        List<Map<String, Object>> out = new ArrayList<>(changes.size());
        for (Map<String, Object> change : changes) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>(change);
            boolean unjudged = "unlabelled".equals(change.get("label"));
            copy.put("text", unjudged ? null : change.get("text"));
            copy.put("textWithheld", unjudged);
            out.add(copy);
        }
        Map<String, Object> result = new java.util.LinkedHashMap<>(view);
        result.put("changes", out);
        return result;
    }
}
