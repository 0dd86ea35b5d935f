package io.safeframe.provenance.watermark;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Everything the secret key decides: which carrier holds which bit (a permutation), the QIM dither of each
 * carrier, which DCT coefficient of each block carries it, and the pilot bits. Derived with HMAC-SHA256 in
 * counter mode, so without the key an attacker cannot locate, read or forge the mark. The key id (first 8 hex
 * of SHA-256 of the key) lets a detector say which key marked a file.
 */
public final class WatermarkKey {

    public static final int CARRIERS = WatermarkLayout.CARRIERS;

    final int[] permutation = new int[CARRIERS];
    final double[] dither = new double[CARRIERS];
    final int[] coefficient = new int[CARRIERS];
    final boolean[] pilot = new boolean[WatermarkLayout.PILOT_BITS];
    private final String keyId;

    public WatermarkKey(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("a watermark key needs at least 128 bits");
        }
        ByteBuffer stream = ByteBuffer.wrap(expand(secret, CARRIERS * 16 + WatermarkLayout.PILOT_BITS));
        for (int i = 0; i < CARRIERS; i++) {
            permutation[i] = i;
        }
        for (int i = CARRIERS - 1; i > 0; i--) { // Fisher–Yates with keyed randomness
            int j = (int) Long.remainderUnsigned(stream.getLong(), i + 1);
            int t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
        for (int i = 0; i < CARRIERS; i++) {
            dither[i] = (stream.getInt() >>> 8) / (double) (1 << 24);
            coefficient[i] = (stream.getInt() >>> 8) % WatermarkLayout.COEFFICIENTS.length;
        }
        for (int i = 0; i < pilot.length; i++) {
            pilot[i] = (stream.get() & 1) == 1;
        }
        try {
            keyId = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(secret)).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String keyId() {
        return keyId;
    }

    private static byte[] expand(byte[] secret, int bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] out = new byte[bytes];
            int filled = 0;
            for (int counter = 0; filled < bytes; counter++) {
                mac.update("safeframe-watermark-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] block = mac.doFinal(ByteBuffer.allocate(4).putInt(counter).array());
                int n = Math.min(block.length, bytes - filled);
                System.arraycopy(block, 0, out, filled, n);
                filled += n;
            }
            return out;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
