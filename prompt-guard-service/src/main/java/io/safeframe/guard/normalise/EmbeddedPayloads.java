package io.safeframe.guard.normalise;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds text smuggled inside a prompt in an encoding (base64, hex, percent-encoding) or as ROT13, and
 * decodes it so it is screened like the rest. Only segments that decode to printable UTF-8 text count.
 */
public final class EmbeddedPayloads {

    public record Payload(String encoding, String decoded, int start, int end) {
    }

    private static final Pattern BASE64 = Pattern.compile("(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])");
    private static final Pattern BASE64URL = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{12,}(?![A-Za-z0-9_=-])");
    private static final Pattern HEX = Pattern.compile("(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){6,}(?![0-9A-Fa-f])");
    private static final Pattern PERCENT = Pattern.compile("(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9+._~-])*%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9+._~-])*");
    private static final Pattern ROT13_HINT = Pattern.compile("(?i)\\brot[- ]?13\\b|\\bcaesar\\b|\\bdecode\\b|\\bdecipher\\b");

    private EmbeddedPayloads() {
    }

    /** Every encoded segment and the ROT13 reading of the whole text. */
    public static List<Payload> find(String text) {
        List<Payload> out = findEncoded(text);
        out.add(new Payload(rot13Label(text), rot13(text), 0, text.length()));
        return out;
    }

    /** "rot13-hinted" when the prompt itself talks about decoding, else "rot13". */
    public static String rot13Label(String text) {
        return ROT13_HINT.matcher(text).find() ? "rot13-hinted" : "rot13";
    }

    /** Base64, base64url, hex and percent-encoded segments that decode to readable text. */
    public static List<Payload> findEncoded(String text) {
        List<Payload> out = new ArrayList<>();
        scan(text, BASE64, "base64", s -> decodeBase64(s, false), out);
        scan(text, BASE64URL, "base64url", s -> decodeBase64(s, true), out);
        scan(text, HEX, "hex", EmbeddedPayloads::decodeHex, out);
        if (text.indexOf('%') >= 0) { // the percent pattern backtracks over every word; most prompts have no '%'
            scan(text, PERCENT, "url-encoding", EmbeddedPayloads::decodePercent, out);
        }
        return out;
    }

    interface Decoder {
        String decode(String s);
    }

    private static void scan(String text, Pattern p, String encoding, Decoder decoder, List<Payload> out) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            String decoded = decoder.decode(m.group());
            if (decoded != null && printable(decoded)) {
                out.add(new Payload(encoding, decoded, m.start(), m.end()));
            }
        }
    }

    private static String decodeBase64(String s, boolean url) {
        // a long plain word ("Supercalifragilistic") is valid base64 too; require a mix that words rarely have
        if (!url && s.chars().noneMatch(Character::isDigit) && s.chars().noneMatch(c -> c == '+' || c == '/' || c == '=')
                && s.chars().filter(Character::isUpperCase).count() < 3) {
            return null;
        }
        try {
            byte[] bytes = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(pad(s));
            return utf8(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String pad(String s) {
        String core = s.replaceAll("=+$", "");
        int rem = core.length() % 4;
        return rem == 1 ? core.substring(0, core.length() - 1) : core + "==".substring(0, rem == 0 ? 0 : 4 - rem);
    }

    private static String decodeHex(String s) {
        String digits = s.replaceAll("[ :]", "");
        if (digits.length() % 2 != 0) {
            return null;
        }
        try {
            return utf8(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decodePercent(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean printable(String s) {
        if (s.isBlank() || s.length() < 3) {
            return false;
        }
        long letters = s.chars().filter(c -> Character.isLetter(c) || c == ' ').count();
        return s.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t') && letters * 10 >= s.length() * 7;
    }

    public static String rot13(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) ('a' + (c - 'a' + 13) % 26);
            } else if (c >= 'A' && c <= 'Z') {
                c = (char) ('A' + (c - 'A' + 13) % 26);
            }
            out.append(c);
        }
        return out.toString();
    }
}
