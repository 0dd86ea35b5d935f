package io.safeframe.frames;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.FrameFinding;
import io.safeframe.api.v1.Verdict;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The screening series (docs/observability.md), the same as prompt-guard-service's with source="frames":
 * {@code safeframe_verdicts_total{source,decision,category}} and {@code safeframe_verdict_seconds{source}} per
 * classified clip or frame set (its aggregated verdict), and {@code safeframe_bank_matches_total{bank}}.
 */
@ApplicationScoped
public class VerdictMetrics {

    static final String SOURCE = "frames";
    // classifier categories are fixed; bank categories and names are admin input, already restricted, folded if not
    private static final Pattern CODE = Pattern.compile("[a-z0-9_-]{1,63}");

    private final MeterRegistry meters;
    private final Timer toVerdict;

    public VerdictMetrics(MeterRegistry meters) {
        this.meters = meters;
        // a clip's decode and inference take seconds, plus the wait for a media worker
        this.toVerdict = Timer.builder("safeframe.verdict").description("time from request to verdict, per clip or frame set")
                .tag("source", SOURCE).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(meters);
    }

    /**
     * One classified clip: its verdict, the time since {@code startNanos} (the request's arrival, so the wait for
     * a worker counts), and one match per bank that matched any of its frames (a clip is one match per bank, however
     * many of its frames hit, so the series reads as "clips caught by this bank").
     */
    public void classified(Verdict verdict, List<FrameFinding> frames, long startNanos) {
        toVerdict.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        String decision = verdict.getDecision() == Decision.DECISION_UNSPECIFIED || verdict.getDecision() == Decision.UNRECOGNIZED ? "BLOCK"
                : verdict.getDecision().name();
        meters.counter("safeframe.verdicts", "source", SOURCE, "decision", decision, "category", category(verdict)).increment();
        TreeSet<String> banks = new TreeSet<>();
        frames.forEach(f -> {
            if (!f.getMatchedBank().isEmpty()) {
                banks.add(f.getMatchedBank());
            }
        });
        banks.forEach(bank -> meters.counter("safeframe.bank.matches", "bank", bounded(bank)).increment());
    }

    /**
     * The category a REVIEW or BLOCK is about: its top category score (the one report-service queues the case
     * under). An ALLOW is "none": the classifier always scores every category, and an ALLOW's are all below review.
     */
    static String category(Verdict verdict) {
        if (verdict.getDecision() == Decision.ALLOW) {
            return "none";
        }
        return verdict.getCategoriesList().stream().max(java.util.Comparator.comparingDouble(CategoryScore::getScore))
                .map(c -> bounded(c.getCategory())).orElse("none");
    }

    private static String bounded(String code) {
        return CODE.matcher(code).matches() ? code : "other";
    }
}
