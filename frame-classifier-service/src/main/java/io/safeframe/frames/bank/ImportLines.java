package io.safeframe.frames.bank;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.safeframe.frames.bank.HashBanks.BankError;

/**
 * The text of a bank import, "HASH[,QUALITY[,LABEL]]" per line (pdq-photo-hasher's output; '#' comments and blank
 * lines ignored), checked before anything reaches the database. All or nothing: one malformed line refuses the whole
 * import with a {@link BankError} naming the line. Plain Java, so it can be tested (and fuzzed) without a database.
 */
public final class ImportLines {

    public static final int MAX_ROWS = 1_000_000;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** One accepted line: a lower-case hash, its quality (null when the line gave none) and its label ("" when none). */
    public record Row(String hash, Integer quality, String label) {
    }

    /** The rows to insert, and how many lines were skipped for a quality below {@link HashBanks#MIN_QUALITY}. */
    public record Parsed(List<Row> rows, int lowQuality) {
    }

    private ImportLines() {
    }

    public static Parsed parse(String text) {
        List<Row> rows = new ArrayList<>();
        int lowQuality = 0;
        String[] lines = text == null ? new String[0] : text.split("\r?\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", 3);
            String hash = f[0].strip().toLowerCase(Locale.ROOT);
            if (!HEX.matcher(hash).matches()) {
                throw new BankError("line " + (n + 1) + ": '" + abbreviate(f[0]) + "' is not a 64-hex-digit PDQ hash", false);
            }
            Integer quality = null;
            if (f.length > 1 && !f[1].isBlank()) {
                try {
                    quality = Integer.parseInt(f[1].strip());
                } catch (NumberFormatException e) {
                    throw new BankError("line " + (n + 1) + ": quality '" + abbreviate(f[1]) + "' is not a number", false);
                }
                if (quality < 0 || quality > 100) {
                    throw new BankError("line " + (n + 1) + ": quality must be 0..100", false);
                }
                if (quality < HashBanks.MIN_QUALITY) {
                    lowQuality++;
                    continue;
                }
            }
            String label = f.length > 2 ? f[2].strip() : "";
            if (!storable(label)) {
                // PostgreSQL text refuses U+0000 (the whole insert would fail with a database error, not this line's
                // name) and UTF-8 has no unpaired surrogates (the label would be stored changed)
                throw new BankError("line " + (n + 1) + ": the label contains U+0000 or invalid Unicode", false);
            }
            rows.add(new Row(hash, quality, label));
        }
        if (rows.size() > MAX_ROWS) {
            throw new BankError("at most 1,000,000 hashes per import", false);
        }
        return new Parsed(rows, lowQuality);
    }

    private static boolean storable(String label) {
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '\0' || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == label.length() || !Character.isLowSurrogate(label.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** The line an export writes for a stored row; importing it gives the same row back. */
    public static String exportLine(String hash, Integer quality, String label) {
        return hash + "," + (quality == null ? "" : quality) + "," + label;
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
