package io.safeframe.provenance.watermark;

import com.google.zxing.common.reedsolomon.GenericGF;
import com.google.zxing.common.reedsolomon.ReedSolomonDecoder;
import com.google.zxing.common.reedsolomon.ReedSolomonEncoder;
import com.google.zxing.common.reedsolomon.ReedSolomonException;

/**
 * The 64-bit payload and its error-correcting code: Reed–Solomon over GF(256) (ZXing's coder), 8 data + 8
 * parity bytes, which corrects any 4 wrong bytes of the 16. Bits are taken most significant first.
 */
public final class Payload {

    private Payload() {
    }

    public static boolean[] codeword(byte[] payload) {
        if (payload.length != WatermarkLayout.PAYLOAD_BYTES) {
            throw new IllegalArgumentException("the payload is " + WatermarkLayout.PAYLOAD_BYTES + " bytes");
        }
        int[] symbols = new int[WatermarkLayout.PAYLOAD_BYTES + WatermarkLayout.PARITY_BYTES];
        for (int i = 0; i < payload.length; i++) {
            symbols[i] = payload[i] & 0xff;
        }
        new ReedSolomonEncoder(GenericGF.QR_CODE_FIELD_256).encode(symbols, WatermarkLayout.PARITY_BYTES);
        boolean[] bits = new boolean[WatermarkLayout.CODED_BITS];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = ((symbols[i / 8] >> (7 - i % 8)) & 1) == 1;
        }
        return bits;
    }

    /** The payload, or null when more bytes are wrong than the code can correct. */
    public static byte[] decode(boolean[] bits) {
        int[] symbols = new int[WatermarkLayout.PAYLOAD_BYTES + WatermarkLayout.PARITY_BYTES];
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                symbols[i / 8] |= 1 << (7 - i % 8);
            }
        }
        try {
            new ReedSolomonDecoder(GenericGF.QR_CODE_FIELD_256).decode(symbols, WatermarkLayout.PARITY_BYTES);
        } catch (ReedSolomonException e) {
            return null;
        }
        byte[] out = new byte[WatermarkLayout.PAYLOAD_BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) symbols[i];
        }
        return out;
    }

    /** Least reliable bits a soft decode may flip, and how many of them at once (Chase-II style). */
    static final int CHASE_BITS = 12;
    static final int CHASE_WEIGHT = 3;

    /**
     * Soft-decision decoding of summed soft readings (negative means bit 1): the hard decision first; if the
     * Reed–Solomon decoder refuses it, the same with every pattern of up to {@link #CHASE_WEIGHT} flips among the
     * {@link #CHASE_BITS} least reliable bits (298 patterns), each then corrected by the decoder as usual. A random
     * word decodes with probability about 4·10⁻¹⁰ (the share of words within 4 byte errors of a codeword), so the
     * 299 attempts add at most about 1.2·10⁻⁷ of wrong payloads on a reading that is noise.
     */
    public static byte[] decodeSoft(double[] soft) {
        boolean[] bits = new boolean[soft.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = soft[i] < 0;
        }
        byte[] direct = decode(bits);
        if (direct != null) {
            return direct;
        }
        Integer[] order = new Integer[soft.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(soft[a]), Math.abs(soft[b])));
        int m = Math.min(CHASE_BITS, soft.length);
        for (int weight = 1; weight <= CHASE_WEIGHT; weight++) {
            byte[] found = flips(bits, order, m, weight, 0);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static byte[] flips(boolean[] bits, Integer[] order, int m, int weight, int from) {
        if (weight == 0) {
            return decode(bits);
        }
        for (int i = from; i < m; i++) {
            int b = order[i];
            bits[b] = !bits[b];
            byte[] found = flips(bits, order, m, weight - 1, i + 1);
            bits[b] = !bits[b];
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
