package io.safeframe.likeness.handle;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the handles a prompt names. The prompt is hostile: a user without consent will try to name a cameo so that
 * the generator still recognises it while this check does not. So before looking for '@':
 * NFKC (fullwidth '＠ａｌｉｃｅ', ligatures, circled letters become ASCII), invisible characters removed
 * (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls: "@al\u200Bice" is "@alice"), and letters
 * that merely look Latin (Cyrillic, Greek) folded to the Latin letter they imitate, so "@аlice" with a Cyrillic 'а'
 * names @alice. What follows an '@' (also the small and fullwidth commercial at) up to the first character that
 * cannot be in a handle is the candidate; trailing dots are punctuation ("ask @alice.").
 */
public final class PromptHandles {

    private static final Pattern INVISIBLE = Pattern.compile(
            "[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\uFE00-\\uFE0F\\uFEFF]");
    private static final Pattern MENTION = Pattern.compile("[@\\uFE6B\\uFF20]\\s?([\\p{L}\\p{N}_.]{1,64})");

    /** Lookalikes of the letters a handle may contain; the common ones from Unicode's confusables for Latin a-z. */
    private static final Map<Character, Character> LOOKALIKES = Map.ofEntries(
            Map.entry('а', 'a'), Map.entry('в', 'b'), Map.entry('с', 'c'), Map.entry('ԁ', 'd'), Map.entry('е', 'e'),
            Map.entry('һ', 'h'), Map.entry('і', 'i'), Map.entry('ј', 'j'), Map.entry('к', 'k'), Map.entry('м', 'm'),
            Map.entry('н', 'h'), Map.entry('о', 'o'), Map.entry('р', 'p'), Map.entry('ѕ', 's'), Map.entry('т', 't'),
            Map.entry('у', 'y'), Map.entry('х', 'x'), Map.entry('ԛ', 'q'), Map.entry('ԝ', 'w'), Map.entry('ɡ', 'g'),
            Map.entry('α', 'a'), Map.entry('β', 'b'), Map.entry('ε', 'e'), Map.entry('ι', 'i'), Map.entry('κ', 'k'),
            Map.entry('ν', 'v'), Map.entry('ο', 'o'), Map.entry('ρ', 'p'), Map.entry('τ', 't'), Map.entry('υ', 'u'),
            Map.entry('χ', 'x'), Map.entry('ı', 'i'), Map.entry('ℓ', 'l'));

    private PromptHandles() {
    }

    /** The distinct handles the prompt names, in order of first mention; candidates no handle could be are skipped. */
    public static Set<Handle> named(String prompt) {
        Set<Handle> found = new LinkedHashSet<>();
        if (prompt == null || prompt.isEmpty()) {
            return found;
        }
        String text = INVISIBLE.matcher(Normalizer.normalize(prompt, Normalizer.Form.NFKC)).replaceAll("");
        Matcher m = MENTION.matcher(text);
        while (m.find()) {
            String candidate = fold(m.group(1).toLowerCase(Locale.ROOT));
            while (candidate.endsWith(".")) {
                candidate = candidate.substring(0, candidate.length() - 1);
            }
            try {
                found.add(new Handle(candidate));
            } catch (IllegalArgumentException notAHandle) {
                // plain text that happens to follow an '@' (an e-mail's domain is still checked: it has the shape)
            }
        }
        return found;
    }

    private static String fold(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(LOOKALIKES.getOrDefault(c, c));
        }
        // what remains non-ASCII is not a handle character and the Handle shape refuses it
        return Normalizer.normalize(out, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    }
}
