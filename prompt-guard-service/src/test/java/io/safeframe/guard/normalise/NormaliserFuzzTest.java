package io.safeframe.guard.normalise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.safeframe.guard.screening.Screener;

/**
 * Jazzer fuzz test of the prompt normaliser and the embedded-payload finder: any text a user can send (up to the
 * screener's limit, lone surrogates included) must normalise without an exception, every normalised char must trace
 * back inside the original (so a hit is shown at a real span), and the same text must give the same result every time
 * (the verdict cache and the audit trail rely on it). Plain {@code mvn verify} replays the seeds in
 * {@code NormaliserFuzzTestInputs}; {@code tools/fuzz} runs it in fuzzing mode.
 */
class NormaliserFuzzTest {

    private static final Normaliser NORMALISER = new Normaliser();
    // NFKC alone can turn one code point into 18 chars (U+FDFA); case folding and confusables add a little more.
    private static final int MAX_GROWTH = 64;

    @FuzzTest(maxDuration = "10s")
    void normalise(FuzzedDataProvider data) {
        String input = data.consumeString(Screener.MAX_CHARS);
        Normaliser.Result result = NORMALISER.normalise(input);
        TracedText text = result.text();

        assertTracesInsideOriginal(text, input);
        assertTrue(text.length() <= MAX_GROWTH * Math.max(1, input.length()), "normalised text grew " + text.length() + " from " + input.length());

        // deterministic: a second instance, a second run
        Normaliser.Result again = new Normaliser().normalise(input);
        assertEquals(text.text(), again.text().text());
        assertEquals(result.steps(), again.steps());
        for (int i = 0; i < text.length(); i++) {
            assertEquals(text.originOf(i), again.text().originOf(i), "origin of char " + i);
        }

        // the ROT13 reading keeps every origin (the screener matches the rotated text against the original spans)
        TracedText rotated = text.rot13();
        assertEquals(text.length(), rotated.length());
        for (int i = 0; i < text.length(); i++) {
            assertEquals(text.originOf(i), rotated.originOf(i));
        }

        assertPayloadsInside(input);
    }

    /** Each normalised char comes from a char of the original, in order, and any span maps to a span of the original. */
    private static void assertTracesInsideOriginal(TracedText text, String original) {
        int previous = 0;
        for (int i = 0; i < text.length(); i++) {
            int origin = text.originOf(i);
            assertTrue(origin >= 0 && origin < original.length(), "char " + i + " traced to " + origin + " of " + original.length());
            assertTrue(origin >= previous, "origins go backwards at char " + i);
            previous = origin;
        }
        int n = text.length();
        int[][] spans = { { 0, n }, { 0, Math.min(1, n) }, { n / 3, n / 2 + 1 }, { Math.max(0, n - 1), n } };
        for (int[] s : spans) {
            int[] span = text.originalSpan(s[0], s[1], original);
            assertTrue(0 <= span[0] && span[0] <= span[1] && span[1] <= original.length(),
                    "span " + s[0] + ".." + s[1] + " mapped to " + span[0] + ".." + span[1] + " of " + original.length());
        }
    }

    /** Decoded payloads sit inside the text, decode to readable text and are found the same way every time. */
    private static void assertPayloadsInside(String input) {
        List<EmbeddedPayloads.Payload> found = EmbeddedPayloads.find(input);
        assertEquals(found, EmbeddedPayloads.find(input));
        EmbeddedPayloads.Payload rot13 = found.get(found.size() - 1);
        assertEquals(input.length(), rot13.end(), "the ROT13 reading covers the whole text");
        assertEquals(input, EmbeddedPayloads.rot13(rot13.decoded()), "ROT13 is its own inverse");
        for (EmbeddedPayloads.Payload p : found.subList(0, found.size() - 1)) {
            assertTrue(0 <= p.start() && p.start() < p.end() && p.end() <= input.length(), p.encoding() + " payload at " + p.start() + ".." + p.end());
            assertTrue(p.decoded().length() >= 3 && !p.decoded().isBlank(), "a payload decodes to readable text: " + p);
        }
    }
}
