package io.safeframe.report.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature (docs/webhooks.md): HMAC-SHA256 over {@code timestamp + "." + eventId + "." + body}, hex, in
 * {@code Safeframe-Signature: v1=<hex>}. The timestamp lets a receiver refuse old captures; the event id in the signed
 * string stops a valid body being replayed under another id. One home for the scheme: the sender signs with it and
 * the tests verify with it.
 */
public final class WebhookSignature {

    public static final String EVENT_ID = "Safeframe-Event-Id";
    public static final String EVENT_TYPE = "Safeframe-Event-Type";
    public static final String KEY_ID = "Safeframe-Key-Id";
    public static final String TIMESTAMP = "Safeframe-Timestamp";
    public static final String SIGNATURE = "Safeframe-Signature";
    public static final String ATTEMPT = "Safeframe-Delivery-Attempt";
    private static final String VERSION = "v1=";

    private WebhookSignature() {
    }

    public static String sign(String secret, long timestamp, String eventId, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + eventId + "." + body).getBytes(StandardCharsets.UTF_8));
            return VERSION + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** What a receiver does: recompute and compare in constant time, and refuse a timestamp outside the tolerance. */
    public static boolean verify(String secret, String timestampHeader, String eventId, String body, String signatureHeader,
            long nowSeconds, long toleranceSeconds) {
        if (timestampHeader == null || eventId == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
            return false;
        }
        byte[] expected = sign(secret, timestamp, eventId, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.US_ASCII));
    }
}
