package io.safeframe.likeness.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PromptHandlesTest {

    private static List<String> named(String prompt) {
        return PromptHandles.named(prompt).stream().map(Handle::value).toList();
    }

    @Test
    void plainMentionsInOrderDistinctCaseInsensitive() {
        assertEquals(List.of("alice", "bob_2"), named("@Alice dancing with @bob_2, then @ALICE again."));
    }

    @Test
    void trailingPunctuationIsNotPartOfTheHandle() {
        assertEquals(List.of("alice"), named("a video of @alice."));
        assertEquals(List.of("a.lice"), named("with @a.lice!"));
    }

    @Test
    void fullwidthAndSmallCommercialAtAreFoldedByNfkc() {
        assertEquals(List.of("alice"), named("ｖｉｄｅｏ ｏｆ ＠ａｌｉｃｅ"));
        assertEquals(List.of("alice"), named("video of \uFE6Balice"));
    }

    @Test
    void invisibleCharactersInsideAHandleDoNotHideIt() {
        assertEquals(List.of("alice"), named("@al\u200Bi\u200Dce on a beach"));
        assertEquals(List.of("alice"), named("@\u2060alice\uFEFF"));
        assertEquals(List.of("alice"), named("@ali\u00ADce"));
        assertEquals(List.of("alice"), named("\u202E@alice"));
    }

    @Test
    void cyrillicAndGreekLookalikesNameTheLatinHandle() {
        // U+0430 CYRILLIC SMALL LETTER A, U+043E CYRILLIC SMALL LETTER O, U+03BF GREEK SMALL LETTER OMICRON
        assertEquals(List.of("alice"), named("@\u0430lice"));
        assertEquals(List.of("bob"), named("@b\u043Eb"));
        assertEquals(List.of("bob"), named("@b\u03BFb"));
    }

    @Test
    void accentsAreStrippedSoAnAccentedCopyStillNamesTheCameo() {
        assertEquals(List.of("alice"), named("@alicé"));
    }

    @Test
    void candidatesNoHandleCouldBeAreIgnored() {
        assertEquals(List.of(), named("@ab is too short, @.. and @\u4E2D\u6587"));
        assertEquals(List.of(), named(""));
        assertEquals(List.of(), named(null));
    }

    @Test
    void oneSpaceAfterTheAtDoesNotHideTheHandle() {
        assertEquals(List.of("alice"), named("@ alice on stage"));
    }

    @Test
    void anAtInsideAWordStillCounts() {
        // the generator may read "x@alice" as the cameo; blocking an odd e-mail is the cheaper mistake
        assertEquals(List.of("alice"), named("x@alice"));
    }

    @Test
    void enrolmentHandlesAreAsciiOnly() {
        assertEquals("alice", Handle.parse("@Alice").value());
        assertThrows(IllegalArgumentException.class, () -> Handle.parse("\u0430lice"));
        assertThrows(IllegalArgumentException.class, () -> Handle.parse("al"));
        assertThrows(IllegalArgumentException.class, () -> Handle.parse(".alice"));
        assertThrows(IllegalArgumentException.class, () -> Handle.parse("a..lice"));
        assertThrows(IllegalArgumentException.class, () -> Handle.parse("a".repeat(31)));
        assertThrows(IllegalArgumentException.class, () -> Handle.parse(null));
        assertTrue(Handle.parse("a".repeat(30)).value().length() == 30);
    }
}
