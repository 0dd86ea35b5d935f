package io.safeframe.report.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes personal data from free text before it leaves in a dataset: URLs, e-mail addresses, @handles, phone numbers
 * and person names become [URL], [EMAIL], [HANDLE], [PHONE], [NAME]. Patterns for the first four; names by a list of
 * 8,403 English first names (resources/dataset/first-names.txt): a capitalised word on the list is a name, and so are
 * the capitalised words right after it (surnames) and a capitalised word after a title (Mr, Dr, ...). It errs towards
 * removing: a capitalised common word that is also a first name ("Will", "Rose") goes too. It misses names written
 * in lower case and names not on the list that stand alone (measured in ScrubberTest).
 */
public final class Scrubber {

    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");
    private static final Pattern EMAIL = Pattern.compile("(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}");
    private static final Pattern HANDLE = Pattern.compile("(?<![\\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?");
    // 7 to 15 digits with the usual separators, optionally international
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])(?:\\+|00)?\\d(?:[\\s().\\-/]{0,2}\\d){6,14}(?!\\w)");
    private static final Pattern TITLE = Pattern.compile("\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord)\\.?\\s+(\\p{Lu}[\\p{L}'\\-]+)");
    private static final Pattern CAPITALISED = Pattern.compile("\\b\\p{Lu}\\p{Ll}+(?:-\\p{Lu}?\\p{Ll}+)?\\b");
    private static final Pattern FOLLOWING_CAPITALISED = Pattern.compile("\\G\\s+(?:(?:van|von|de|der|da|di|le|la|O')\\s*)?\\p{Lu}[\\p{L}'\\-]+");

    private final Set<String> firstNames;

    public Scrubber(Set<String> firstNames) {
        this.firstNames = firstNames;
    }

    private static final class Bundled {
        static final Scrubber INSTANCE = withBundledNames();
    }

    /** One scrubber over the bundled name list for the whole service (it is immutable): the list is read once. */
    public static Scrubber bundled() {
        return Bundled.INSTANCE;
    }

    public static Scrubber withBundledNames() {
        Set<String> names = new HashSet<>();
        try (InputStream in = Scrubber.class.getResourceAsStream("/dataset/first-names.txt")) {
            if (in == null) {
                throw new IllegalStateException("dataset/first-names.txt is missing from the classpath");
            }
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> names.add(l.trim().toLowerCase(Locale.ROOT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrubber(Set.copyOf(names));
    }

    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = URL.matcher(text).replaceAll("[URL]");
        out = EMAIL.matcher(out).replaceAll("[EMAIL]");
        out = HANDLE.matcher(out).replaceAll("[HANDLE]");
        out = PHONE.matcher(out).replaceAll("[PHONE]");
        out = TITLE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group().substring(0, m.start(1) - m.start()) + "[NAME]"));
        return names(out);
    }

    private String names(String text) {
        StringBuilder out = new StringBuilder();
        Matcher word = CAPITALISED.matcher(text);
        int copied = 0;
        while (word.find(copied)) {
            if (!firstNames.contains(word.group().toLowerCase(Locale.ROOT))) {
                out.append(text, copied, word.end());
                copied = word.end();
                continue;
            }
            int end = word.end();
            Matcher surname = FOLLOWING_CAPITALISED.matcher(text);
            surname.region(end, text.length());
            while (surname.find() && surname.start() == end) {
                end = surname.end();
                surname.region(end, text.length());
            }
            out.append(text, copied, word.start()).append("[NAME]");
            copied = end;
        }
        return out.append(text.substring(copied)).toString();
    }
}
