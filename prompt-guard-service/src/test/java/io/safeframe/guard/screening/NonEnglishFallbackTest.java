package io.safeframe.guard.screening;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The encoder reads English only; other languages fall back to the v1 verdict when it is stricter. */
class NonEnglishFallbackTest {

    @Test
    void recognisesPromptsWithNoEnglishFunctionWords() {
        assertTrue(EncoderDecision.probablyNotEnglish("un perro corriendo por la playa al atardecer"));
        assertTrue(EncoderDecision.probablyNotEnglish("ein fuchs im verschneiten wald bei sonnenaufgang"));
        assertFalse(EncoderDecision.probablyNotEnglish("a fox in the snowy forest at sunrise"));
        assertFalse(EncoderDecision.probablyNotEnglish("cyberpunk neon rain"), "too short to tell");
        assertFalse(EncoderDecision.probablyNotEnglish(Screener.ENCODED_ONLY));
    }
}
