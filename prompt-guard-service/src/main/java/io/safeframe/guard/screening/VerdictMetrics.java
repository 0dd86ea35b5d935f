package io.safeframe.guard.screening;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The screening series (docs/observability.md): {@code safeframe_verdicts_total{source="prompt",decision,category}}
 * and {@code safeframe_verdict_seconds{source="prompt"}} (time to verdict, as a histogram so p50/p99 can be taken
 * across replicas). frame-classifier-service has the same class with source="frames".
 */
@ApplicationScoped
public class VerdictMetrics {

    static final String SOURCE = "prompt";
    // category codes come from the lexicon policy; anything else (a hand-edited policy) is folded so the label stays bounded
    private static final Pattern CODE = Pattern.compile("[a-z0-9_]{1,40}");

    private final MeterRegistry meters;
    private final Timer toVerdict;

    public VerdictMetrics(MeterRegistry meters) {
        this.meters = meters;
        // a prompt normally takes milliseconds (encoder) and never a minute: buckets between the two, no more
        this.toVerdict = Timer.builder("safeframe.verdict").description("time from request to verdict, per prompt")
                .tag("source", SOURCE).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(meters);
    }

    /** One screened prompt: its decision and top category, and how long it took since {@code startNanos}. */
    public void screened(Screening s, long startNanos) {
        toVerdict.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        meters.counter("safeframe.verdicts", "source", SOURCE, "decision", s.decision(), "category", category(s.decision(), s.categoryScores()))
                .increment();
    }

    /**
     * The category a REVIEW or BLOCK is about: its top category score (the one report-service queues the case
     * under). An ALLOW is "none": its scores are all below the review points, and naming one would read as a finding.
     */
    static String category(String decision, Map<String, Double> scores) {
        if ("ALLOW".equals(decision) || scores.isEmpty()) {
            return "none";
        }
        String top = null;
        double best = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            if (e.getValue() > best) {
                best = e.getValue();
                top = e.getKey();
            }
        }
        return top != null && CODE.matcher(top).matches() ? top : "other";
    }
}
