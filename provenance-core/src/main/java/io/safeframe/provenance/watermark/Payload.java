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
}
