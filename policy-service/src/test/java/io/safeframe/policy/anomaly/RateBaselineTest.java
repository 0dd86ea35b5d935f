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
