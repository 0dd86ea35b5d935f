package io.safeframe.guard.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class SentenceEncoderTest {

    @Test
    void refusesAModelWhoseHashIsNotThePinnedOne() {
        IOException e = assertThrows(IOException.class,
                () -> SentenceEncoder.verified(SentenceEncoder.BGE_SMALL_Q.modelResource(), "0".repeat(64)));
        assertTrue(e.getMessage().contains("pinned"), e.getMessage());
        assertThrows(IOException.class, () -> SentenceEncoder.verified("no-such-model.onnx", "0".repeat(64)));
    }

    @Test
    void tokenizerMatchesBertUncased() throws IOException {
        WordPieceTokenizer t = WordPieceTokenizer.read(SentenceEncoder.class.getClassLoader()
                .getResourceAsStream(SentenceEncoder.BGE_SMALL_Q.tokenizerResource()));
        // reference ids from bert-base-uncased's vocabulary ([CLS] hello , world ! [SEP])
        assertArrayEquals(new long[] { 101, 7592, 1010, 2088, 999, 102 }, t.encode("Hello, world!", 256));
        // accents stripped, case folded, unknown pieces split into word pieces
        assertArrayEquals(t.encode("cafe", 256), t.encode("CAFÉ", 256));
        assertEquals(8, t.encode("x ".repeat(100), 8).length, "truncated to the budget, [SEP] kept");
    }

    @Test
    void embeddingsAreUnitLengthAndCloserForParaphrases() {
        SentenceEncoder e = GuardModel.shared().encoder();
        float[] a = e.embed("a puppy playing in the grass");
        float[] b = e.embed("a young dog plays on the lawn");
        float[] c = e.embed("the quarterly tax report for the finance committee");
        assertEquals(1.0, dot(a, a), 1e-3);
        assertTrue(dot(a, b) > dot(a, c) + 0.1, "paraphrase " + dot(a, b) + " vs unrelated " + dot(a, c));
        assertArrayEquals(a, e.embed("a puppy playing in the grass"), 1e-6f, "deterministic");
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
