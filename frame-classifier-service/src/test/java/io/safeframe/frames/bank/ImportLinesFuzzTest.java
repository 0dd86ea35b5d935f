package io.safeframe.frames.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the hash-bank import text (what an admin pastes or uploads): it is either refused with a
 * {@link HashBanks.BankError} that names the offending line, or every accepted row is one PostgreSQL can store as it
 * is and the export of those rows imports back to the same rows. Any other exception is a finding.
 */
class ImportLinesFuzzTest {

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern REFUSAL = Pattern.compile("(?s)line [1-9][0-9]*: .+");

    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        ImportLines.Parsed parsed;
        try {
            parsed = ImportLines.parse(text);
        } catch (HashBanks.BankError e) {
            assertTrue(REFUSAL.matcher(e.getMessage()).matches(), "a refusal names its line: " + e.getMessage());
            assertFalse(e.notFound, "a bad line is a bad request, not a missing bank");
            return;
        }
        for (ImportLines.Row row : parsed.rows()) {
            assertTrue(HASH.matcher(row.hash()).matches(), row.hash());
            assertTrue(row.quality() == null || (row.quality() >= HashBanks.MIN_QUALITY && row.quality() <= 100), "quality " + row.quality());
            assertEquals(row.label().strip(), row.label());
            assertStorable(row.label());
        }
        String exported = parsed.rows().stream().map(r -> ImportLines.exportLine(r.hash(), r.quality(), r.label()))
                .collect(Collectors.joining("\n"));
        assertEquals(parsed.rows(), ImportLines.parse(exported).rows(), "an export imports back to the same rows");
    }

    /**
     * A PostgreSQL text value is UTF-8 without U+0000: a label that is not (a NUL, an unpaired surrogate) would fail the
     * whole insert with a database error, or be stored changed.
     */
    private static void assertStorable(String label) {
        assertFalse(label.indexOf('\0') >= 0, "label contains U+0000");
        String roundTrip = new String(label.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertEquals(label, roundTrip, "label is not well-formed Unicode");
    }
}
