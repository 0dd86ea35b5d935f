package io.safeframe.verify.softbinding;

import java.util.Base64;
import java.util.HexFormat;

/**
 * The {@code value} of a soft-binding query, turned into our watermark payload (16 lowercase hex digits). The
 * resolution API says the value is "base64-encoded, in algorithm-specific format"; for our algorithm that format
 * is the 8 payload bytes, so the canonical value is their base64 (12 characters, standard or URL-safe alphabet,
 * padding optional). Our manifests' soft-binding assertion carries the payload as 16 hex digits, and a tool that
 * copies that value into the query verbatim should still resolve, so exactly 16 hex digits are also accepted —
 * unambiguous, since base64 of 8 bytes is never 16 characters long.
 */
final class SoftBindingValue {

    private SoftBindingValue() {
    }

    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    static String payloadHex(String value) throws Malformed {
        if (value == null || value.isBlank()) {
            throw new Malformed("value is required: the base64 of the 8-byte watermark payload");
        }
        String v = value.trim();
        if (v.length() == 16 && v.matches("[0-9a-fA-F]{16}")) {
            return v.toLowerCase(java.util.Locale.ROOT);
        }
        if (v.length() > 24) {
            throw new Malformed("value is too long for this algorithm (base64 of 8 bytes)");
        }
        byte[] bytes;
        try {
            bytes = (v.contains("-") || v.contains("_") ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(v);
        } catch (IllegalArgumentException e) {
            throw new Malformed("value is not base64");
        }
        if (bytes.length != 8) {
            throw new Malformed("value must decode to the 8-byte watermark payload, not " + bytes.length + " bytes");
        }
        return HexFormat.of().formatHex(bytes);
    }
}
