package io.safeframe.report.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Cohen's kappa on tables worked by hand, its undefined case, and the sample's determinism and share. */
class AgreementTest {

    @Test
    void kappaOfAThreeActionTable() {
        // rows first, columns second: R A N
        //   R  20  5  0   (25)
        //   A   5 10  5   (20)
        //   N   0  5 50   (55)
        //     (25)(20)(55)  n = 100
        // p_o = 80/100 = 0.8; p_e = .25*.25 + .20*.20 + .55*.55 = .0625 + .04 + .3025 = .405
        // kappa = (0.8 - 0.405) / 0.595 = 0.66386...
        Agreement a = new Agreement().add("R", "R", 20).add("R", "A", 5).add("A", "R", 5).add("A", "A", 10).add("A", "N", 5)
                .add("N", "A", 5).add("N", "N", 50);
        assertEquals(100, a.pairs());
        assertEquals(80, a.agreed());
        assertEquals(0.8, a.observed(), 1e-12);
        assertEquals(0.405, a.expected(), 1e-12);
        assertEquals(0.395 / 0.595, a.kappa(), 1e-12);
    }

    @Test
    void kappaIsZeroAtChanceAndUndefinedWhenEveryoneAlwaysSaysTheSame() {
        // independent halves: p_o = .5 = p_e → 0
        Agreement chance = new Agreement().add("R", "R", 1).add("R", "N", 1).add("N", "R", 1).add("N", "N", 1);
        assertEquals(0, chance.kappa(), 1e-12);
        Agreement same = new Agreement().add("N", "N", 7);
        assertEquals(1.0, same.observed());
        assertFalse(same.kappaDefined(), "p_e = 1: 0/0");
        assertFalse(new Agreement().kappaDefined());
        assertTrue(Double.isNaN(same.kappa()));
    }

    @Test
    void theSampleIsAHashOfTheCaseIdWithTheConfiguredShare() {
        UUID id = UUID.randomUUID();
        assertEquals(SecondReviewSample.sampled(id, 0.1), SecondReviewSample.sampled(UUID.fromString(id.toString()), 0.1));
        assertEquals(SecondReviewSample.fraction(id), SecondReviewSample.fraction(id));
        int n = 20_000;
        int in = 0;
        for (int i = 0; i < n; i++) {
            UUID c = UUID.randomUUID();
            assertTrue(SecondReviewSample.sampled(c, 1.0));
            assertFalse(SecondReviewSample.sampled(c, 0.0));
            if (SecondReviewSample.sampled(c, 0.1)) {
                in++;
            }
        }
        // binomial(20000, 0.1): sd = sqrt(20000 * .1 * .9) = 42.4; 2000 +- 200 is almost 5 sd
        assertTrue(Math.abs(in - 2000) < 200, "sampled " + in + " of " + n);
    }
}
