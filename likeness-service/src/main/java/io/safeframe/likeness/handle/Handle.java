package io.safeframe.likeness.handle;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A cameo's handle as stored: ASCII only, so two handles can never look alike through Unicode (a Cyrillic 'а' and a
 * Latin 'a' are different code points but the same glyph). Compared in lower case.
 */
public record Handle(String value) {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9_](?:[a-z0-9_.]{1,28})[a-z0-9_]");

    public Handle {
        if (value == null || !SHAPE.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException(
                    "a handle is 3-30 characters of a-z, 0-9, '_' and '.', not starting or ending with '.', no '..'");
        }
    }

    /** What a user typed at enrolment, with or without the '@', in any case. Refuses anything outside the shape. */
    public static Handle parse(String typed) {
        if (typed == null) {
            throw new IllegalArgumentException("a handle is required");
        }
        String t = typed.strip();
        if (t.startsWith("@")) {
            t = t.substring(1);
        }
        return new Handle(t.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "@" + value;
    }
}
