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
        String publicReason) {

    /** One rule that fired: where (span in the original text), what it matched, and through which view. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Hit(String ruleId, String category, String matched, int start, int end, String view, double score) {
    }
}
