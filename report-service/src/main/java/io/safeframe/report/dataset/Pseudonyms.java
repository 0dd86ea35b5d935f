package io.safeframe.report.dataset;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms (HMAC-SHA256, first 16 bytes, hex): the same account or item gets the same pseudonym in every
 * snapshot made with the same key, so model teams can group by it, but nobody without the key can link it back.
 * The kind is part of the message, so an account id and an item id never share a pseudonym.
 */
public final class Pseudonyms {

    private final SecretKeySpec key;

    public Pseudonyms(String base64Key) {
        byte[] bytes = Base64.getDecoder().decode(base64Key.trim());
        if (bytes.length < 32) {
            throw new IllegalArgumentException("safeframe.dataset.pseudonym-key must be at least 32 bytes (base64)");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    public String of(String kind, String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
            return kind.charAt(0) + "_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
