package io.safeframe.provenance.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The Bonferroni correction over keys × layouts × hypotheses: a ring of k keys holds each test to 1/k of a single
 * key's share, so the evidence needed grows with the ring and α stays what it is.
 */
class FalsePositiveBoundTest {

    @Test
    void multipliersGrowWithTheRingAndTheHypotheses() {
        FalsePositiveBound one = FalsePositiveBound.forRing(1);
        FalsePositiveBound three = FalsePositiveBound.forRing(3);
        assertEquals(2, one.direct());
        assertEquals(4, one.directSplit());
        assertEquals(2L * Resync.HYPOTHESES, one.search());
        assertEquals(2L * (Resync.HYPOTHESES + 1), one.synchronisedSum());
        assertEquals(3 * one.direct(), three.direct());
        assertEquals(3 * one.search(), three.search());
        assertEquals(3 * one.synchronisedSum(), three.synchronisedSum());
        assertEquals(3, three.unsearched());
        assertThrows(IllegalArgumentException.class, () -> FalsePositiveBound.forRing(0));
    }

    /** The number of agreeing pilots (of 256 visible) a search hit needs: rises with the number of keys tried. */
    private static int searchThreshold(FalsePositiveBound bound) {
        for (int a = 128; a <= 256; a++) {
            if (FalsePositiveBound.declared(FalsePositiveBound.corrected(Resync.tail(256, a), bound.search()))) {
                return a;
            }
        }
        return 257;
    }

    @Test
    void aLongerRingNeedsMoreEvidence() {
        int single = searchThreshold(FalsePositiveBound.forRing(1));
        int four = searchThreshold(FalsePositiveBound.forRing(4));
        assertEquals(183, single, "the documented figure for one key (docs/watermark.md)");
        assertTrue(four > single, four + " vs " + single);
    }

    @Test
    void aSearchHitAtTheEdgeOfOneKeysShareIsNotDeclaredWithTwoKeys() {
        // 185 of 256 visible pilots agree: inside one key's search share, outside two keys' (checked below)
        double[] pilot = new double[WatermarkLayout.PILOT_BITS];
        Arrays.fill(pilot, Double.NaN);
        WatermarkKey key = WatermarkRobustnessTest.KEY;
        int agree = 0;
        for (int i = 0; i < 256; i++) {
            boolean agrees = i < searchThreshold(FalsePositiveBound.forRing(1));
            pilot[i] = (key.pilot[i] == agrees) ? -1 : 1;
            agree += agrees ? 1 : 0;
        }
        Resync.Soft s = new Resync.Soft(0, 0, 0, pilot, new double[WatermarkLayout.CODED_BITS]);
        Detection withOne = Resync.verdict(s, key, FalsePositiveBound.forRing(1).search(), 1);
        Detection withTwo = Resync.verdict(s, key, FalsePositiveBound.forRing(2).search(), 1);
        assertEquals(agree, withOne.pilotAgreement());
        assertTrue(withOne.detected(), "p = " + withOne.pValue());
        assertFalse(withTwo.detected(), "p = " + withTwo.pValue());
        assertEquals(2 * withOne.pValue(), withTwo.pValue(), withOne.pValue() * 1e-9);
    }
}
