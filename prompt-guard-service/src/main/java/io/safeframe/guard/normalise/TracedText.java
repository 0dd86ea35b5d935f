package io.safeframe.guard.normalise;

import java.util.Arrays;

/**
 * Text plus, for every char, the index in the original prompt it came from. Each normalisation step builds
 * a new TracedText, so a match found in fully normalised text can still be shown at its span in what the
 * user wrote.
 */
public final class TracedText {

    private final String text;
    private final int[] origin;

    private TracedText(String text, int[] origin) {
        this.text = text;
        this.origin = origin;
    }

    public static TracedText of(String original) {
        int[] origin = new int[original.length()];
        Arrays.setAll(origin, i -> i);
        return new TracedText(original, origin);
    }

    public String text() {
        return text;
    }

    public int length() {
        return text.length();
    }

    /** Span [start, end) in the original prompt of normalised chars [from, to). */
    public int[] originalSpan(int from, int to, String original) {
        if (from >= to || from >= origin.length) {
            return new int[] { 0, 0 };
        }
        int start = origin[from];
        int end = origin[Math.min(to, origin.length) - 1] + 1;
        // a code point outside the BMP is two chars in the original; keep the pair whole
        if (end < original.length() && Character.isHighSurrogate(original.charAt(end - 1))) {
            end++;
        }
        return new int[] { start, end };
    }

    /** Accumulates the output of one step. */
    public static final class Builder {
        private final StringBuilder out;
        private int[] origin;
        private int size;

        public Builder(int capacity) {
            out = new StringBuilder(capacity);
            origin = new int[Math.max(capacity, 16)];
        }

        public Builder append(CharSequence s, int originalIndex) {
            for (int i = 0; i < s.length(); i++) {
                append(s.charAt(i), originalIndex);
            }
            return this;
        }

        public Builder append(char c, int originalIndex) {
            if (size == origin.length) {
                origin = Arrays.copyOf(origin, size * 2);
            }
            out.append(c);
            origin[size++] = originalIndex;
            return this;
        }

        public int size() {
            return size;
        }

        public TracedText build() {
            return new TracedText(out.toString(), Arrays.copyOf(origin, size));
        }
    }

    /** The same text read in ROT13 (letters rotate, everything else and every origin stays). */
    public TracedText rot13() {
        return new TracedText(EmbeddedPayloads.rot13(text), origin);
    }

    /** Origin of char i of this text in the original prompt. */
    public int originOf(int i) {
        return origin[i];
    }
}
