package io.safeframe.report.trends;

/**
 * The near-duplicate rule of prompt-guard's signature (safety-api, {@code ScreenResponse.near_duplicate_signature}):
 * eight one-byte MinHashes; near-identical when at least five bytes agree. Candidates are found by bands, the four
 * byte pairs: five equal bytes among four pairs leave at least one pair wholly equal (pigeonhole), so an index on the
 * bands misses no near-identical signature, while two unrelated ones share a band with probability about 4/65536.
 */
final class Signatures {

    static final int NEAR_IDENTICAL_BYTES = 5;

    private Signatures() {
    }

    static boolean nearIdentical(long a, long b) {
        long x = a ^ b;
        int equal = 0;
        for (int i = 0; i < 8; i++) {
            if (((x >>> (8 * i)) & 0xff) == 0) {
                equal++;
            }
        }
        return equal >= NEAR_IDENTICAL_BYTES;
    }

    /** The four byte-pair bands, each as {@code index << 16 | value} so one int array holds all four. */
    static Integer[] bands(long signature) {
        Integer[] bands = new Integer[4];
        for (int i = 0; i < 4; i++) {
            bands[i] = (i << 16) | (int) ((signature >>> (16 * i)) & 0xffff);
        }
        return bands;
    }
}
