package io.safeframe.gateway.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.safeframe.api.v1.BacktestReport;

/** A backtest report as the admin API shows it: rates next to the counts they come from, live beside candidate. */
final class BacktestView {

    private BacktestView() {
    }

    static Map<String, Object> of(int version, BacktestReport r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("candidateVersion", version);
        out.put("candidateLabel", r.getCandidateVersion());
        out.put("liveLabel", r.getLiveVersion());
        out.put("unsafe", r.getUnsafe());
        out.put("safe", r.getSafe());
        out.put("live", arm(r.getLiveCaught(), r.getLiveFalsePositives(), r.getLiveSafeBlocked(), r));
        out.put("candidate", arm(r.getCandidateCaught(), r.getCandidateFalsePositives(), r.getCandidateSafeBlocked(), r));
        out.put("categories", r.getCategoriesList().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("category", c.getCategory());
            m.put("unsafe", c.getUnsafe());
            m.put("liveRecall", rate(c.getLiveCaught(), c.getUnsafe()));
            m.put("candidateRecall", rate(c.getCandidateCaught(), c.getUnsafe()));
            return m;
        }).toList());
        out.put("unlabelled", r.getUnlabelled());
        out.put("shifts", r.getShiftsList().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("category", c.getCategory());
            m.put("liveReview", c.getLiveReview());
            m.put("candidateReview", c.getCandidateReview());
            m.put("liveBlock", c.getLiveBlock());
            m.put("candidateBlock", c.getCandidateBlock());
            return m;
        }).toList());
        out.put("changed", r.getChanged());
        out.put("changes", r.getChangesList().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text", c.getText());
            m.put("label", c.getUnlabelled() ? "unlabelled" : c.getUnsafe() ? "unsafe" : "safe");
            m.put("category", c.getCategory().isEmpty() ? null : c.getCategory());
            m.put("live", c.getLiveDecision().name());
            m.put("candidate", c.getCandidateDecision().name());
            m.put("liveRule", c.getLiveRule());
            m.put("candidateRule", c.getCandidateRule());
            return m;
        }).toList());
        return out;
    }

    private static Map<String, Object> arm(int caught, int falsePositives, int safeBlocked, BacktestReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("caught", caught);
        m.put("recall", rate(caught, r.getUnsafe()));
        // of the labelled lines this policy flags, the share a human judged unsafe
        m.put("precision", rate(caught, caught + falsePositives));
        m.put("falsePositives", falsePositives);
        m.put("falsePositiveRate", rate(falsePositives, r.getSafe()));
        m.put("safeBlocked", safeBlocked);
        m.put("hardBlockRate", rate(safeBlocked, r.getSafe()));
        return m;
    }

    /** hits / total to three places; null (not 0) when there is nothing to count. */
    static Double rate(int hits, int total) {
        return total == 0 ? null : Math.round(1000.0 * hits / total) / 1000.0;
    }
}
