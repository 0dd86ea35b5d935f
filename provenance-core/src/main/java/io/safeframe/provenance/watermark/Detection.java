package io.safeframe.provenance.watermark;

import java.util.HexFormat;

/**
 * The verdict on a reading. Unmarked content agrees with the 256 keyed pilot bits like a fair coin, so the
 * agreement count is Binomial(256, ½); the mark is declared present only when P(agreement ≥ observed) under
 * that null, multiplied by the number of tests made ({@link FalsePositiveBound}), is ≤ α = 1e-6. confidence = 1 − that p-value.
 */
public record Detection(boolean detected, double confidence, double pValue, int pilotAgreement, String payloadHex, int frames) {

    /** A single, uncorrected test at α (the v1 figure: 167 of 256 pilots). */
    static final int THRESHOLD = threshold(WatermarkLayout.PILOT_BITS, FalsePositiveBound.ALPHA);

    /** One reading as the only test (one key, no search): multiplier 1. */
    public static Detection of(Watermarker.Reading reading, WatermarkKey key) {
        return of(reading, key, 1);
    }

    /**
     * A reading that is one of several tests: its p-value is multiplied by {@code multiplier}, which comes from
     * {@link FalsePositiveBound} (keys × layouts × hypotheses), so the whole procedure keeps the bound.
     */
    public static Detection of(Watermarker.Reading reading, WatermarkKey key, long multiplier) {
        int agree = reading.pilotAgreement(key);
        double p = FalsePositiveBound.corrected(upperTail(WatermarkLayout.PILOT_BITS, agree), multiplier);
        boolean detected = FalsePositiveBound.declared(p);
        byte[] payload = detected ? Payload.decodeSoft(reading.coded()) : null;
        return new Detection(detected, 1 - p, p, agree, payload == null ? null : HexFormat.of().formatHex(payload), reading.frames());
    }

    /** P(X ≥ k) for X ~ Binomial(n, ½), exactly (log-space sums). */
    static double upperTail(int n, int k) {
        if (k <= 0) {
            return 1.0;
        }
        double log2n = n * Math.log(2);
        double sum = 0;
        double logC = 0; // log C(n, 0)
        for (int i = 0; i <= n; i++) {
            if (i > 0) {
                logC += Math.log(n - i + 1) - Math.log(i);
            }
            if (i >= k) {
                sum += Math.exp(logC - log2n);
            }
        }
        return Math.min(1.0, sum);
    }

    static int threshold(int n, double bound) {
        for (int k = n / 2; k <= n; k++) {
            if (upperTail(n, k) <= bound) {
                return k;
            }
        }
        return n + 1;
    }
}
