package io.safeframe.guard.screening;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

import io.safeframe.api.v1.BacktestCategory;
import io.safeframe.api.v1.BacktestChange;
import io.safeframe.api.v1.BacktestReport;
import io.safeframe.api.v1.BacktestShift;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LabelledPrompt;
import io.safeframe.guard.policy.CompiledPolicy;

/**
 * A candidate policy beside the live one (docs/policy-lifecycle.md, backtest): both screen every line with the same
 * screener (rules, encoder heads, context). On labelled lines the report counts what each catches, misses and wrongly
 * flags, per category; on every line, labelled or not (recent live screenings nobody reviewed), how many each would
 * hold and block per category; and the lines whose decision changes. Nothing acts on either verdict.
 */
public final class Backtest {

    static final int MAX_PROMPTS = 5000;
    private static final int MAX_CHANGES = 100;
    private static final String NO_CATEGORY = "none";

    private Backtest() {
    }

    public static BacktestReport run(Screener screener, CompiledPolicy live, CompiledPolicy candidate, Iterable<LabelledPrompt> prompts) {
        BacktestReport.Builder report = BacktestReport.newBuilder().setLiveVersion(live.version()).setCandidateVersion(candidate.version());
        Map<String, int[]> byCategory = new TreeMap<>(); // unsafe, live caught, candidate caught
        Map<String, int[]> shifts = new TreeMap<>(); // live review, live block, candidate review, candidate block
        int changed = 0;
        for (LabelledPrompt p : prompts) {
            Screening a = screener.screen(p.getText(), live);
            Screening b = screener.screen(p.getText(), candidate);
            shift(shifts, a, 0);
            shift(shifts, b, 2);
            if (p.getUnlabelled()) {
                report.setUnlabelled(report.getUnlabelled() + 1);
            } else {
                countLabelled(report, byCategory, p, a, b);
            }
            if (!a.decision().equals(b.decision())) {
                changed++;
                if (report.getChangesCount() < MAX_CHANGES) {
                    report.addChanges(BacktestChange.newBuilder().setText(p.getText()).setUnsafe(p.getUnsafe()).setCategory(p.getCategory())
                            .setUnlabelled(p.getUnlabelled())
                            .setLiveDecision(Decision.valueOf(a.decision())).setCandidateDecision(Decision.valueOf(b.decision()))
                            .setLiveRule(a.ruleId()).setCandidateRule(b.ruleId()));
                }
            }
        }
        byCategory.forEach((category, c) -> report.addCategories(BacktestCategory.newBuilder().setCategory(category).setUnsafe(c[0])
                .setLiveCaught(c[1]).setCandidateCaught(c[2])));
        shifts.forEach((category, c) -> report.addShifts(BacktestShift.newBuilder().setCategory(category).setLiveReview(c[0])
                .setLiveBlock(c[1]).setCandidateReview(c[2]).setCandidateBlock(c[3])));
        return report.setChanged(changed).build();
    }

    private static void countLabelled(BacktestReport.Builder report, Map<String, int[]> byCategory, LabelledPrompt p, Screening a, Screening b) {
        boolean liveFlags = !"ALLOW".equals(a.decision());
        boolean candidateFlags = !"ALLOW".equals(b.decision());
        if (p.getUnsafe()) {
            report.setUnsafe(report.getUnsafe() + 1).setLiveCaught(report.getLiveCaught() + (liveFlags ? 1 : 0))
                    .setCandidateCaught(report.getCandidateCaught() + (candidateFlags ? 1 : 0));
            int[] c = byCategory.computeIfAbsent(p.getCategory().isBlank() ? "unspecified" : p.getCategory(), k -> new int[3]);
            c[0]++;
            c[1] += liveFlags ? 1 : 0;
            c[2] += candidateFlags ? 1 : 0;
        } else {
            report.setSafe(report.getSafe() + 1)
                    .setLiveFalsePositives(report.getLiveFalsePositives() + (liveFlags ? 1 : 0))
                    .setCandidateFalsePositives(report.getCandidateFalsePositives() + (candidateFlags ? 1 : 0))
                    .setLiveSafeBlocked(report.getLiveSafeBlocked() + ("BLOCK".equals(a.decision()) ? 1 : 0))
                    .setCandidateSafeBlocked(report.getCandidateSafeBlocked() + ("BLOCK".equals(b.decision()) ? 1 : 0));
        }
    }

    /** Counts a REVIEW or BLOCK under the verdict's own highest-scoring category; an ALLOW counts nowhere. */
    private static void shift(Map<String, int[]> shifts, Screening s, int offset) {
        int slot = switch (s.decision()) {
            case "REVIEW" -> 0;
            case "BLOCK" -> 1;
            default -> -1;
        };
        if (slot < 0) {
            return;
        }
        String category = s.categoryScores().entrySet().stream().max(Comparator.comparingDouble(Map.Entry::getValue))
                .map(Map.Entry::getKey).orElse(NO_CATEGORY);
        shifts.computeIfAbsent(category, k -> new int[4])[offset + slot]++;
    }
}
