package io.safeframe.guard.normalise;

import java.util.HashMap;
import java.util.Map;

/**
 * A phonetic Latin reading of text written in the Cyrillic or Greek alphabet ("бомб" → "bomb"). Not a normalisation
 * step: look-alike folding (TR39 confusables) is right for mixed-script tricks, and a sound-based reading is right for
 * whole words transliterated into another alphabet, so the screener reads the sound-based version as an extra view,
 * only when nearly all of a prompt's letters are Cyrillic or Greek.
 */
public final class Transliteration {

    private static final Map<Integer, String> LATIN = new HashMap<>();

    static {
        String[][] cyrillic = { { "а", "a" }, { "б", "b" }, { "в", "v" }, { "г", "g" }, { "ґ", "g" }, { "д", "d" }, { "е", "e" },
                { "ё", "e" }, { "є", "ye" }, { "ж", "zh" }, { "з", "z" }, { "и", "i" }, { "і", "i" }, { "ї", "yi" }, { "й", "y" },
                { "к", "k" }, { "л", "l" }, { "м", "m" }, { "н", "n" }, { "о", "o" }, { "п", "p" }, { "р", "r" }, { "с", "s" },
                { "т", "t" }, { "у", "u" }, { "ф", "f" }, { "х", "h" }, { "ц", "c" }, { "ч", "ch" }, { "ш", "sh" }, { "щ", "sch" },
                { "ъ", "" }, { "ы", "y" }, { "ь", "" }, { "э", "e" }, { "ю", "yu" }, { "я", "ya" }, { "ђ", "dj" }, { "ј", "j" },
                { "љ", "lj" }, { "њ", "nj" }, { "ћ", "c" }, { "џ", "dz" }, { "ў", "w" } };
        String[][] greek = { { "α", "a" }, { "β", "b" }, { "γ", "g" }, { "δ", "d" }, { "ε", "e" }, { "ζ", "z" }, { "η", "i" },
                { "θ", "th" }, { "ι", "i" }, { "κ", "k" }, { "λ", "l" }, { "μ", "m" }, { "ν", "n" }, { "ξ", "x" }, { "ο", "o" },
                { "π", "p" }, { "ρ", "r" }, { "σ", "s" }, { "ς", "s" }, { "τ", "t" }, { "υ", "y" }, { "φ", "f" }, { "χ", "ch" },
                { "ψ", "ps" }, { "ω", "o" } };
        for (String[][] table : new String[][][] { cyrillic, greek }) {
            for (String[] p : table) {
                LATIN.put(p[0].codePointAt(0), p[1]);
            }
        }
    }

    private Transliteration() {
    }

    /** The Latin reading, or null unless the text has at least 4 letters and 90 % or more of them are Cyrillic/Greek. */
    public static String latinReading(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        int letters = 0;
        int foreign = 0;
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length();) {
            int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                letters++;
                Character.UnicodeScript script = Character.UnicodeScript.of(cp);
                if (script == Character.UnicodeScript.CYRILLIC || script == Character.UnicodeScript.GREEK) {
                    foreign++;
                }
            }
            String latin = LATIN.get(cp);
            if (latin != null) {
                out.append(latin);
            } else {
                out.appendCodePoint(cp);
            }
        }
        return letters >= 4 && foreign * 10 >= letters * 9 ? out.toString() : null;
    }
}
