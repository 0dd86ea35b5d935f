package io.safeframe.bench.load;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies per operation, measured from the moment a request was due to be sent (not when it was sent), so time a
 * request spent waiting behind a slow one counts: the coordinated-omission correction of an open-loop generator.
 * Microsecond resolution, three significant digits, up to ten minutes.
 */
final class LatencyBook {

    private final Map<Operation, Histogram> histograms = new EnumMap<>(Operation.class);
    private final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();

    LatencyBook() {
        for (Operation operation : Operation.values()) {
            histograms.put(operation, new ConcurrentHistogram(600_000_000L, 3));
        }
    }

    /** status: the HTTP status, or "network" when there was no answer. */
    void record(Operation operation, String status, long dueNanos, long answeredNanos) {
        histograms.get(operation).recordValue(Math.max(0, (answeredNanos - dueNanos) / 1_000));
        statuses.computeIfAbsent(operation.name().toLowerCase() + " " + status, k -> new LongAdder()).increment();
        if ("network".equals(status) || status.startsWith("5")) {
            errors.increment();
        }
    }

    long errors() {
        return errors.sum();
    }

    long count() {
        return histograms.values().stream().mapToLong(Histogram::getTotalCount).sum();
    }

    /** Per endpoint: count and p50/p99/p99.9/max in milliseconds. */
    Map<String, Map<String, Object>> summary() {
        Map<String, Map<String, Object>> summary = new LinkedHashMap<>();
        histograms.forEach((operation, h) -> {
            if (h.getTotalCount() == 0) {
                return;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("count", h.getTotalCount());
            row.put("p50Ms", millis(h.getValueAtPercentile(50)));
            row.put("p99Ms", millis(h.getValueAtPercentile(99)));
            row.put("p999Ms", millis(h.getValueAtPercentile(99.9)));
            row.put("maxMs", millis(h.getMaxValue()));
            summary.put(operation.endpoint, row);
        });
        return summary;
    }

    Map<String, Long> statuses() {
        Map<String, Long> sorted = new TreeMap<>();
        statuses.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    private static double millis(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }
}
