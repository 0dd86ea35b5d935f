package io.safeframe.guard.normalise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class NormaliserTest {

    private final Normaliser normaliser = new Normaliser();

    private String norm(String s) {
        return normaliser.normalise(s).text().text();
    }

    private List<String> steps(String s) {
        return normaliser.normalise(s).steps().stream().map(Normaliser.Step::name).toList();
    }

    @Test
    void zeroWidthBidiAndTagCharactersAreRemoved() {
        assertEquals("kill", norm("k\u200Bi\u200Cl\u200Dl\uFEFF"));
        assertEquals("bomb", norm("\u202Eb\u202Do\u2066mb\u2069\u202C"));
        assertEquals("bomb", norm("bo\uDB40\uDC41mb")); // U+E0041 TAG LATIN CAPITAL LETTER A
        assertEquals("nude", norm("nu\u00ADde")); // soft hyphen
        assertTrue(steps("k\u200Bill").contains("invisible-removed"));
    }

    @Test
    void compatibilityFormsAndDiacriticsFold() {
        assertEquals("porn", norm("\uFF50\uFF4F\uFF52\uFF4E")); // fullwidth
        assertEquals("nude", norm("n\u0301u\u0308d\u0300e\u0327")); // combining marks
        assertEquals("nude", norm("ñúdé"));
        assertEquals("fin", norm("\uFB01n")); // ligature
    }

    @Test
    void mixedScriptLookAlikesFoldToLatin() {
        assertEquals("naked", norm("n\u0430k\u0435d")); // Cyrillic а, е
        assertEquals("kill", norm("\u03BA\u0456ll")); // Greek kappa, Cyrillic і
        assertEquals("porn", norm("\u0440\u043Ern")); // Cyrillic р, о
        assertTrue(steps("\u0440orn").contains("confusables-folded"));
    }

    @Test
    void genuineNonLatinTextIsKept() {
        String japanese = "桜の木の下で踊る猫";
        assertEquals(japanese, norm(japanese));
        assertEquals("नमस्ते दुनिया", norm("नमस्ते दुनिया"));
    }

    @Test
    void leetspeakFoldsOnlyInsideMixedTokens() {
        assertEquals("kill the bomb", norm("k1ll th3 b0mb"));
        assertEquals("a 5 second video from 2024", norm("a 5 second video from 2024"));
        assertEquals("naked", norm("n@k3d"));
    }

    @Test
    void spacedAndPunctuatedLettersCollapse() {
        assertEquals("kill", norm("k i l l"));
        assertEquals("kill him", norm("k.i.l.l him"));
        assertEquals("bomb", norm("b-o-m-b"));
        assertEquals("making a grenade", norm("m.a.k.i.n.g a grenade"));
        assertEquals("a b", norm("a b"), "two single letters are not a spaced word");
    }

    @Test
    void stretchedLettersSqueeze() {
        assertEquals("nude", norm("nuuuuude"));
        assertEquals("good", norm("good"), "double letters stay");
        assertEquals("xxx", norm("xxx"));
    }

    @Test
    void loneSurrogatesAndControlGarbageDoNotBreakIt() {
        assertEquals("ab", norm("a\uD800b"));
        assertEquals("ab", norm("a\uDC00b"));
        assertEquals("ab", norm("a\u0000\u0007b"));
        assertEquals("", norm(""));
    }

    @Test
    void spansMapBackToTheOriginalText() {
        String original = "a \u0440\u200Bо\u200Brn clip";
        Normaliser.Result r = normaliser.normalise(original);
        String text = r.text().text();
        int at = text.indexOf("porn");
        int[] span = r.text().originalSpan(at, at + 4, original);
        assertEquals("\u0440\u200Bо\u200Brn", original.substring(span[0], span[1]));
    }

    @Test
    void supplementaryCharactersKeepWholeSpans() {
        String original = "\uD83D\uDE00 k1ll";
        Normaliser.Result r = normaliser.normalise(original);
        int at = r.text().text().indexOf("kill");
        int[] span = r.text().originalSpan(at, at + 4, original);
        assertEquals("k1ll", original.substring(span[0], span[1]));
    }
}
