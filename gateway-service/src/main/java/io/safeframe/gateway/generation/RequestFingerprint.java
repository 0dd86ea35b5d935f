package io.safeframe.gateway.generation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.safeframe.gateway.problem.ApiException;

/**
 * What a generation request asks for, as one SHA-256: a replayed Idempotency-Key is the same request only when
 * prompt, duration and aspect are the same. Fields are length-prefixed so no two requests share an encoding.
 */
final class RequestFingerprint {

    private RequestFingerprint() {
    }

    static String of(String prompt, int durationSeconds, String aspect) {
        String encoded = prompt.length() + ":" + prompt + "|" + durationSeconds + "|" + aspect.length() + ":" + aspect;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static ApiException reused() {
        return new ApiException(422, "idempotency-key-reused", "Idempotency-Key already used",
                "this Idempotency-Key was used for a different request; use a new key for a new request");
    }
}
