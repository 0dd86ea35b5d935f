package io.safeframe.guard.normalise;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

/**
 * Undoes the obfuscations people use to slip words past filters, one recorded step at a time:
 * invisible characters, compatibility forms (NFKC), diacritics, confusable look-alikes (Unicode TR39),
 * case, leetspeak, s p a c e d or p.u.n.c.t.u.a.t.e.d letters and stretched letters. Every step keeps the
 * mapping back to the original text (see {@link TracedText}). Plain Java; one instance is thread-safe.
 */
public final class Normaliser {

    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Step(String name, int changes, String example) {
    }

    public record Result(TracedText text, List<Step> steps) {
    }

    private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
    private static final Normalizer2 NFD = Normalizer2.getNFDInstance();
    private static final SpoofChecker SKELETONS = new SpoofChecker.Builder().build();

    // letters separated by single separators: "k i l l", "k.i.l.l", "k-i-l-l", "k_i_l_l", "k*i*l*l"
    // the same separator throughout, so "m.a.k.i.n.g a grenade" keeps its last word apart
    private static final Pattern SPACED = Pattern.compile("(?<![\\p{L}\\p{N}])\\p{L}([ .\\-_*,/\\\\|~])(?:\\p{L}\\1){1,}\\p{L}(?![\\p{L}\\p{N}])");
    // Look-alikes whose TR39 prototype is not an ASCII letter but which readers take for one (Greek, Armenian, Cyrillic)
    private static final java.util.Map<Integer, String> EXTRA_CONFUSABLES = java.util.Map.ofEntries(
            java.util.Map.entry(0x03BA, "k"), java.util.Map.entry(0x03BD, "v"), java.util.Map.entry(0x03C5, "u"),
            java.util.Map.entry(0x03C1, "p"), java.util.Map.entry(0x03B9, "i"), java.util.Map.entry(0x03C4, "t"),
            java.util.Map.entry(0x03C9, "w"), java.util.Map.entry(0x0578, "n"), java.util.Map.entry(0x057D, "u"),
            java.util.Map.entry(0x0585, "o"), java.util.Map.entry(0x0433, "r"), java.util.Map.entry(0x043A, "k"),
            java.util.Map.entry(0x043C, "m"), java.util.Map.entry(0x0442, "t"), java.util.Map.entry(0x043D, "h"),
            java.util.Map.entry(0x0432, "b"), java.util.Map.entry(0x0437, "3"));

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}0-9@$!|+]+");

    public Result normalise(String input) {
        List<Step> steps = new ArrayList<>();
        TracedText t = TracedText.of(input);
        t = record(steps, "invisible-removed", t, removeInvisible(t));
        t = record(steps, "nfkc", t, perCodePoint(t, NFKC));
        t = record(steps, "diacritics-removed", t, stripMarks(t));
        t = record(steps, "confusables-folded", t, foldConfusables(t));
        t = record(steps, "case-folded", t, caseFold(t));
        t = record(steps, "leetspeak-folded", t, foldLeet(t));
        t = record(steps, "spacing-collapsed", t, collapseSpacing(t));
        t = record(steps, "repeats-squeezed", t, squeezeRepeats(t));
        t = record(steps, "whitespace-collapsed", t, collapseWhitespace(t));
        return new Result(t, steps);
    }

    private static TracedText record(List<Step> steps, String name, TracedText before, TracedText after) {
        if (!before.text().equals(after.text())) {
            steps.add(new Step(name, changes(before.text(), after.text()), example(before.text(), after.text())));
        }
        return after;
    }

    private static int changes(String a, String b) {
        return Math.max(1, Math.abs(a.length() - b.length()) + (int) countDiffs(a, b));
    }

    private static long countDiffs(String a, String b) {
        if (a.length() != b.length()) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                n++;
            }
        }
        return n;
    }

    private static String example(String before, String after) {
        int p = 0;
        int max = Math.min(before.length(), after.length());
        while (p < max && before.charAt(p) == after.charAt(p)) {
            p++;
        }
        int from = Math.max(0, p - 8);
        return clip(before, from) + " → " + clip(after, from);
    }

    private static String clip(String s, int from) {
        String part = s.substring(Math.min(from, s.length()), Math.min(s.length(), from + 32));
        StringBuilder visible = new StringBuilder();
        part.codePoints().forEach(cp -> {
            if (isInvisible(cp)) {
                visible.append(String.format(Locale.ROOT, "<U+%04X>", cp));
            } else {
                visible.appendCodePoint(cp);
            }
        });
        return visible.toString();
    }

    static boolean isInvisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT // zero-width, bidi controls, tags, soft hyphen, word joiner
                || (type == Character.CONTROL && cp != '\n' && cp != '\t' && cp != '\r')
                || UCharacter.hasBinaryProperty(cp, UProperty.VARIATION_SELECTOR)
                || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0; // Hangul fillers
    }

    /** What one code point becomes; "" drops it. */
    private interface CodePointRewrite {
        String rewrite(int cp, String piece);
    }

    /**
     * Rewrites text one code point at a time, each output char keeping the origin of the code point it came from.
     * Most prompts are mostly ASCII, so ASCII goes through {@code ascii} (a char-to-char map) without building
     * strings or calling ICU.
     */
    private static TracedText mapCodePoints(TracedText t, java.util.function.IntUnaryOperator ascii, CodePointRewrite rewrite) {
        String s = t.text();
        TracedText.Builder out = new TracedText.Builder(s.length());
        for (int i = 0; i < s.length();) {
            char c = s.charAt(i);
            if (c < 0x80 && (c >= 0x20 || c == '\n' || c == '\t' || c == '\r')) {
                out.append((char) ascii.applyAsInt(c), t.originOf(i));
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            out.append(rewrite.rewrite(cp, s.substring(i, i + n)), t.originOf(i));
            i += n;
        }
        return out.build();
    }

    private static TracedText removeInvisible(TracedText t) {
        // a lone surrogate (invalid UTF-16) can only be garbage or an evasion: drop it too
        return mapCodePoints(t, java.util.function.IntUnaryOperator.identity(), (cp, piece) -> Character.isSurrogate((char) cp) && piece.length() == 1 || isInvisible(cp) ? "" : piece);
    }

    private static TracedText perCodePoint(TracedText t, Normalizer2 form) {
        return mapCodePoints(t, java.util.function.IntUnaryOperator.identity(), (cp, piece) -> form.isNormalized(piece) ? piece : form.normalize(piece));
    }

    private static TracedText stripMarks(TracedText t) {
        return mapCodePoints(t, java.util.function.IntUnaryOperator.identity(), (cp, piece) -> {
            if (!markedAlphabet(cp)) {
                // in kana, Indic scripts, Hangul... marks are part of the letter, not decoration
                return piece;
            }
            StringBuilder kept = new StringBuilder(piece.length());
            NFD.normalize(piece).codePoints().filter(c -> !isMark(c)).forEach(kept::appendCodePoint);
            return kept.toString();
        });
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean markedAlphabet(int cp) {
        int script = UScript.getScript(cp);
        return script == UScript.LATIN || script == UScript.GREEK || script == UScript.CYRILLIC || script == UScript.COMMON
                || script == UScript.INHERITED;
    }

    /** Non-ASCII look-alikes become the ASCII letters they imitate (TR39 skeleton, one code point at a time). */
    private static TracedText foldConfusables(TracedText t) {
        return mapCodePoints(t, java.util.function.IntUnaryOperator.identity(), (cp, piece) -> {
            String skeleton = SKELETONS.getSkeleton(piece);
            if (skeleton.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c))) {
                return skeleton;
            }
            return EXTRA_CONFUSABLES.getOrDefault(cp, piece);
        });
    }

    private static TracedText caseFold(TracedText t) {
        return mapCodePoints(t, c -> c >= 'A' && c <= 'Z' ? c + 32 : c, (cp, piece) -> UCharacter.foldCase(piece, true));
    }

    private static char leet(char c) {
        return switch (c) {
            case '0' -> 'o';
            case '1', '!', '|' -> 'i';
            case '3' -> 'e';
            case '4', '@' -> 'a';
            case '5', '$' -> 's';
            case '7', '+' -> 't';
            case '8' -> 'b';
            case '9' -> 'g';
            default -> c;
        };
    }

    /** Only inside tokens that mix letters and look-alike digits/symbols ("k1ll", "b0mb", "n@ked"); "2024" and "5 s" stay. */
    private static TracedText foldLeet(TracedText t) {
        String s = t.text();
        TracedText.Builder out = new TracedText.Builder(s.length());
        Matcher count = TOKEN.matcher(s);
        int mixed = 0;
        while (count.find()) {
            String token = count.group();
            if (token.chars().anyMatch(Character::isLetter) && token.chars().anyMatch(c -> leet((char) c) != c)) {
                mixed++;
            }
        }
        // in a prompt written in leetspeak ("945 7h3 j3w5") short all-digit tokens are words too
        boolean leetPrompt = mixed >= 2;
        Matcher m = TOKEN.matcher(s);
        int last = 0;
        while (m.find()) {
            for (int i = last; i < m.start(); i++) {
                out.append(s.charAt(i), t.originOf(i));
            }
            String token = m.group();
            boolean hasLetter = token.chars().anyMatch(Character::isLetter) || (leetPrompt && token.length() <= 4);
            boolean hasLeet = token.chars().anyMatch(c -> leet((char) c) != c);
            boolean trailingPunctuationOnly = token.replaceAll("[!|+]+$", "").chars().allMatch(Character::isLetter);
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                char mapped = hasLetter && hasLeet && !trailingPunctuationOnly ? leet(c) : c;
                out.append(mapped, t.originOf(m.start() + i));
            }
            last = m.end();
        }
        for (int i = last; i < s.length(); i++) {
            out.append(s.charAt(i), t.originOf(i));
        }
        return out.build();
    }

    private static TracedText collapseSpacing(TracedText t) {
        String s = t.text();
        TracedText.Builder out = new TracedText.Builder(s.length());
        Matcher m = SPACED.matcher(s);
        int last = 0;
        while (m.find()) {
            for (int i = last; i < m.start(); i++) {
                out.append(s.charAt(i), t.originOf(i));
            }
            for (int i = m.start(); i < m.end(); i++) {
                if (Character.isLetter(s.charAt(i))) {
                    out.append(s.charAt(i), t.originOf(i));
                }
            }
            last = m.end();
        }
        for (int i = last; i < s.length(); i++) {
            out.append(s.charAt(i), t.originOf(i));
        }
        return out.build();
    }

    /** Runs of three or more of the same letter become one: "kiiiill" → "kill", "nuuuude" → "nude". */
    private static TracedText squeezeRepeats(TracedText t) {
        String s = t.text();
        TracedText.Builder out = new TracedText.Builder(s.length());
        for (int i = 0; i < s.length();) {
            char c = s.charAt(i);
            int j = i;
            while (j < s.length() && s.charAt(j) == c) {
                j++;
            }
            int run = j - i;
            // 'x' runs are words of their own ("xxx"), not stretching
            int keep = Character.isLetter(c) && c != 'x' && run >= 3 ? 1 : run;
            for (int k = 0; k < keep; k++) {
                out.append(c, t.originOf(i + k));
            }
            i = j;
        }
        return out.build();
    }

    private static TracedText collapseWhitespace(TracedText t) {
        String s = t.text();
        TracedText.Builder out = new TracedText.Builder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && out.size() > 0) {
                out.append(' ', t.originOf(i));
            }
            space = false;
            out.append(c, t.originOf(i));
        }
        return out.build();
    }
}
