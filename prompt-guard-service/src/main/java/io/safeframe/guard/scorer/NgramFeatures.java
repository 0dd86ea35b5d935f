package io.safeframe.guard.scorer;

import java.util.Arrays;

/**
 * Hashed character n-grams (3 to 5 chars, words padded with spaces) of normalised text, as a sparse vector
 * scaled to unit length. The hashing trick keeps the model a fixed-size array with no vocabulary to ship.
 */
public final class NgramFeatures {

    public static final int BITS = 18;
    public static final int DIMENSIONS = 1 << BITS;
    private static final int MIN_N = 3;
    private static final int MAX_N = 5;

    private NgramFeatures() {
    }

    /** Sparse vector: distinct indices, with equal weight 1/sqrt(count). */
    public record Vector(int[] indices, float value) {
    }

    public static Vector of(String normalised) {
        String padded = " " + normalised + " ";
        int[] indices = new int[Math.max(1, padded.length() * (MAX_N - MIN_N + 1))];
        int n = 0;
        for (int len = MIN_N; len <= MAX_N; len++) {
            for (int i = 0; i + len <= padded.length(); i++) {
                indices[n++] = bucket(padded, i, len);
            }
        }
        int[] distinct = Arrays.stream(indices, 0, n).distinct().toArray();
        return new Vector(distinct, distinct.length == 0 ? 0f : (float) (1.0 / Math.sqrt(distinct.length)));
    }

    // FNV-1a over the chars of the n-gram, with its length mixed in
    private static int bucket(String s, int from, int len) {
        int h = 0x811C9DC5 ^ len;
        for (int i = from; i < from + len; i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        return (h ^ (h >>> BITS)) & (DIMENSIONS - 1);
    }
}
