package io.safeframe.report.trends;

/**
 * Page's one-sided CUSUM on per-minute counts against a baseline: the plain mean and variance of the warm-up minutes
 * (Welford), then an exponentially weighted mean and variance (West 1979's incremental form) that every later minute
 * updates, capped at three standard deviations so one burst does not drag the baseline up. Each minute's standardised
 * excess over the baseline, less the reference value k, accumulates; the category spikes when the sum passes the
 * decision interval h. The values and what they cost are in {@link TrendSettings.Spike}.
 *
 * <p>The baseline learns from every minute, not only from quiet ones: learning only while the sum is zero was tried
 * first and biased the mean low (it learned from low minutes only), which raised hundreds of false spikes a day.
 */
public record Cusum(int minutes, double mean, double variance, double sum) {

    public static final Cusum START = new Cusum(0, 0, 0, 0);

    public record Step(Cusum next, boolean spike) {
    }

    public Step observe(double count, TrendSettings.Spike settings) {
        if (minutes < settings.warmupMinutes()) {
            int n = minutes + 1;
            double diff = count - mean;
            double newMean = mean + diff / n;
            return new Step(new Cusum(n, newMean, variance + (diff * (count - newMean) - variance) / n, 0), false);
        }
        double sigma = Math.max(Math.sqrt(variance), settings.minSigma());
        double s = Math.max(0, sum + (count - mean) / sigma - settings.k());
        boolean spike = s > settings.h();
        double diff = Math.min(count, mean + 3 * sigma) - mean;
        double lambda = settings.lambda();
        // after a spike the sum starts again: a rise that goes on is reported again later, not every minute
        return new Step(new Cusum(minutes + 1, mean + lambda * diff, (1 - lambda) * (variance + lambda * diff * diff), spike ? 0 : s), spike);
    }
}
