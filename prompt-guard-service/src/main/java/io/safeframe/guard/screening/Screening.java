package io.safeframe.guard.screening;

import java.util.List;
import java.util.Map;

import io.safeframe.guard.normalise.Normaliser;

/** The explainable result of screening one prompt. */
public record Screening(
        String decision,
        Map<String, Double> categoryScores,
        List<Hit> hits,
        List<Normaliser.Step> steps,
        String normalisedText,
        String ruleId,
        String reason,
        String policyVersion,
        /* what the end user is told: decision and category, never what matched (no oracle for rephrasing) */
        String publicReason,
        /*
         * How sure the encoder is: the distance, in log-odds, from its P(unsafe) to the nearest operating point (review
         * or block) of the category it ranks first. NaN when the encoder did not decide (rules alone, no heads). Small
         * means a slightly different wording would get a different decision: the prompts worth a human label.
         */
        double reviewMargin) {

    public Screening(String decision, Map<String, Double> categoryScores, List<Hit> hits, List<Normaliser.Step> steps,
            String normalisedText, String ruleId, String reason, String policyVersion, String publicReason) {
        this(decision, categoryScores, hits, steps, normalisedText, ruleId, reason, policyVersion, publicReason, Double.NaN);
    }

    /** Whether the encoder's score lies within {@code band} log-odds of an operating point. */
    public boolean uncertain(double band) {
        return !Double.isNaN(reviewMargin) && reviewMargin < band;
    }

    /** One rule that fired: where (span in the original text), what it matched, and through which view. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Hit(String ruleId, String category, String matched, int start, int end, String view, double score) {
    }
}
