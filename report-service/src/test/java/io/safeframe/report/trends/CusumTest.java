package io.safeframe.report.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The spike statistic on simulated per-minute counts: quiet when the rate holds, quick when it rises. */
class CusumTest {

    private static final TrendSettings.Spike DEFAULTS = new TrendSettings.Spike() {
        public String every() { return "off"; }
        public double lambda() { return 0.02; }
        public double k() { return 0.5; }
        public double h() { return 10; }
        public int warmupMinutes() { return 30; }
        public double minSigma() { return 1; }
    };

    /** Knuth's Poisson sampler: flagged prompts a minute at a steady rate. */
    private static int poisson(Random random, double rate) {
        double limit = Math.exp(-rate);
        double p = 1;
        int k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    private static int spikes(Cusum[] state, Random random, double rate, int minutes) {
        int found = 0;
        for (int i = 0; i < minutes; i++) {
            Cusum.Step step = state[0].observe(poisson(random, rate), DEFAULTS);
            state[0] = step.next();
            found += step.spike() ? 1 : 0;
        }
        return found;
    }

    @Test
    void aSteadyRateRaisesNoSpikeInADay() {
        for (double rate : new double[] { 0.2, 3, 20, 100 }) {
            Cusum[] state = { Cusum.START };
            assertEquals(0, spikes(state, new Random(7 + (long) rate), rate, 1440), "a steady " + rate + " a minute raised a spike");
        }
    }

    @Test
    void aDoubledRateIsFoundWithinMinutes() {
        for (double rate : new double[] { 3, 20, 100 }) {
            Cusum[] state = { Cusum.START };
            Random random = new Random(11 + (long) rate);
            spikes(state, random, rate, 120);
            int minutes = 0;
            while (spikes(state, random, 2 * rate, 1) == 0) {
                minutes++;
                assertTrue(minutes < 30, "a doubled rate of " + rate + " a minute went unnoticed for 30 minutes");
            }
        }
    }

    @Test
    void nothingSpikesDuringTheWarmUp() {
        Cusum state = Cusum.START;
        for (int i = 0; i < DEFAULTS.warmupMinutes(); i++) {
            Cusum.Step step = state.observe(i == DEFAULTS.warmupMinutes() - 1 ? 500 : 0, DEFAULTS);
            assertTrue(!step.spike(), "spike in warm-up minute " + i);
            state = step.next();
        }
    }
}
