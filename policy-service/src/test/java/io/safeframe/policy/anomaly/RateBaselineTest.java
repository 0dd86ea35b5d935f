package io.safeframe.policy.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RateBaselineTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void steadyUsageLearnsItsRateAndStaysUnremarkable() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        RateBaseline b = RateBaseline.start(t);
        double maxZ = 0;
        for (int minute = 0; minute < 120; minute++) {
            for (int k = 0; k < 3; k++) {
                b = b.observe(t.plus(MINUTE.multipliedBy(minute)).plusSeconds(10L * k), MINUTE, 0.3);
                if (minute > 5) {
                    maxZ = Math.max(maxZ, b.zScore());
                }
            }
        }
        assertEquals(3.0, b.ewma(), 0.01, "baseline converges on 3 per minute");
        assertTrue(maxZ < 4.0, "steady use never looks anomalous, max z " + maxZ);
    }

    @Test
    void aBurstStandsOutAgainstTheAccountsOwnHistory() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        RateBaseline b = RateBaseline.start(t);
        for (int minute = 0; minute < 30; minute++) {
            b = b.observe(t.plus(MINUTE.multipliedBy(minute)), MINUTE, 0.3);
        }
        Instant burst = t.plus(MINUTE.multipliedBy(31));
        for (int k = 0; k < 12; k++) {
            b = b.observe(burst.plusSeconds(k), MINUTE, 0.3);
        }
        assertEquals(12, b.windowCount());
        assertTrue(b.zScore() > 4.0, "z " + b.zScore());
    }

    /** The outbox relay observes a batch at once: n at once must be the same as n one by one within the window. */
    @Test
    void aBatchCountsAsItsOccurrencesOneByOne() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        RateBaseline single = RateBaseline.start(t);
        RateBaseline batched = RateBaseline.start(t);
        for (int minute = 0; minute < 30; minute++) {
            Instant at = t.plus(MINUTE.multipliedBy(minute)).plusSeconds(10);
            int n = 1 + minute % 4;
            for (int i = 0; i < n; i++) {
                single = single.observe(at, MINUTE, 0.1);
            }
            batched = batched.observe(at, MINUTE, 0.1, n);
        }
        assertEquals(single, batched);
        assertEquals(2, batched.windowCount(), "the last window holds its batch (minute 29: 1 + 29 % 4)");
    }

    @Test
    void idleTimeDecaysTheBaseline() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        RateBaseline b = RateBaseline.start(t);
        for (int minute = 0; minute < 20; minute++) {
            for (int k = 0; k < 10; k++) {
                b = b.observe(t.plus(MINUTE.multipliedBy(minute)), MINUTE, 0.3);
            }
        }
        RateBaseline later = b.observe(t.plus(Duration.ofHours(3)), MINUTE, 0.3);
        assertTrue(later.ewma() < 0.01, "after hours of silence the old rate is forgotten: " + later.ewma());
    }
}
