package io.safeframe.frames.pdq;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 256-bit PDQ hash. Bit k is bit (k % 64) of word k / 64; as text it is the reference's 64 hex digits,
 * most significant word first (the C++ prints its sixteen 16-bit words from w[15] down to w[0]).
 */
public final class PdqHash {

    public static final PdqHash ZERO = new PdqHash(new long[4]);

    private final long[] words;

    PdqHash(long[] words) {
        this.words = words;
    }

    public static PdqHash ofWords(long w0, long w1, long w2, long w3) {
        return new PdqHash(new long[] { w0, w1, w2, w3 });
    }

    public static PdqHash fromHex(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("a PDQ hash is 64 hex digits, got " + (hex == null ? "nothing" : hex.length()));
        }
        long[] w = new long[4];
        for (int i = 0; i < 4; i++) {
            w[3 - i] = HexFormat.fromHexDigitsToLong(hex, i * 16, i * 16 + 16);
        }
        return new PdqHash(w);
    }

    public boolean bit(int k) {
        return (words[k >>> 6] >>> (k & 63) & 1L) != 0;
    }

    public long word(int i) {
        return words[i];
    }

    public int distance(PdqHash other) {
        return Long.bitCount(words[0] ^ other.words[0]) + Long.bitCount(words[1] ^ other.words[1])
                + Long.bitCount(words[2] ^ other.words[2]) + Long.bitCount(words[3] ^ other.words[3]);
    }

    public String hex() {
        HexFormat f = HexFormat.of();
        return f.toHexDigits(words[3]) + f.toHexDigits(words[2]) + f.toHexDigits(words[1]) + f.toHexDigits(words[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PdqHash h && Arrays.equals(words, h.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return hex();
    }
}
