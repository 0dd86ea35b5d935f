package io.safeframe.policy.anomaly;

import java.time.Duration;
import java.time.Instant;

/**
 * An online baseline of how often one thing happens per time window for one account: an exponentially
 * weighted moving average and variance of the per-window count (West 1979 / Finch 2009 incremental form),
 * and a z-score of the current window against it. Plain value, no I/O, so it is tested directly.
 *
 * @param ewma mean count per window
 * @param ewmVar variance of the count per window
 */
public record RateBaseline(double ewma, double ewmVar, long samples, Instant windowStart, int windowCount) {

    /** Windows skipped while idle are folded in as zeros, but no more than this many (older history is gone anyway). */
    private static final int MAX_IDLE_WINDOWS = 120;

    public static RateBaseline start(Instant now) {
        return new RateBaseline(0, 0, 0, now, 0);
    }

    /** Records one occurrence at {@code now}, rolling the window forward first if it has ended. */
    public RateBaseline observe(Instant now, Duration window, double alpha) {
        return observe(now, window, alpha, 1);
    }

    /** Records {@code count} occurrences at {@code now} (a batch seen together), rolling the window forward first. */
    public RateBaseline observe(Instant now, Duration window, double alpha, int count) {
        RateBaseline rolled = rollTo(now, window, alpha);
        return new RateBaseline(rolled.ewma, rolled.ewmVar, rolled.samples, rolled.windowStart, rolled.windowCount + count);
    }

    RateBaseline rollTo(Instant now, Duration window, double alpha) {
        long elapsed = Duration.between(windowStart, now).toMillis() / window.toMillis();
        if (elapsed <= 0) {
            return this;
        }
        double mean = ewma;
        double var = ewmVar;
        long n = samples;
        long folds = Math.min(elapsed, MAX_IDLE_WINDOWS);
        for (long i = 0; i < folds; i++) {
            double x = i == 0 ? windowCount : 0;
            if (n == 0) {
                mean = x;
                var = 0;
            } else {
                double diff = x - mean;
                double incr = alpha * diff;
                mean += incr;
                var = (1 - alpha) * (var + diff * incr);
            }
            n++;
        }
        return new RateBaseline(mean, var, n, windowStart.plus(window.multipliedBy(elapsed)), 0);
    }

    /** How unusual the current window is; +1 in the denominator keeps a flat history from making any count infinite. */
    public double zScore() {
        return (windowCount - ewma) / Math.sqrt(ewmVar + 1.0);
    }
}
