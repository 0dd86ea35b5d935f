package io.safeframe.frames.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ImportLinesTest {

    private static final String HASH = "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22";

    @Test
    void acceptsHasherOutputWithCommentsQualitiesAndLabels() {
        ImportLines.Parsed p = ImportLines.parse("# comment\n" + HASH.toUpperCase() + ",90,clip 1, part 2\r\n\n" + HASH + ",10,blurry\n" + HASH);
        assertEquals(List.of(new ImportLines.Row(HASH, 90, "clip 1, part 2"), new ImportLines.Row(HASH, null, "")), p.rows());
        assertEquals(1, p.lowQuality());
    }

    /** Found by ImportLinesFuzzTest: a NUL in a label got past the parser and failed the whole insert in PostgreSQL. */
    @Test
    void labelWithNulIsRefusedNamingItsLine() {
        HashBanks.BankError e = assertThrows(HashBanks.BankError.class, () -> ImportLines.parse(HASH + ",90,ok\n" + HASH + ",90,a\0b"));
        assertEquals("line 2: the label contains U+0000 or invalid Unicode", e.getMessage());
    }

    @Test
    void labelWithUnpairedSurrogateIsRefused() {
        assertThrows(HashBanks.BankError.class, () -> ImportLines.parse(HASH + ",90,a\uD800b"));
        assertEquals("a\uD83D\uDE00b", ImportLines.parse(HASH + ",90,a\uD83D\uDE00b").rows().get(0).label());
    }
}
