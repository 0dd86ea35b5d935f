package io.safeframe.identity.actor;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The internal actor token: a compact JWS (ES256, RFC 7515/7518) signed with the minting service's TLS key, so the
 * callee checks it with the public key of the very client certificate the call came in on — no separate key
 * distribution, and a token is worthless on any other service's connection.
 */
public final class ActorToken {

    /** gRPC metadata key that carries it. */
    public static final String HEADER = "x-safeframe-actor-token";
    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER_JSON = "{\"alg\":\"ES256\",\"typ\":\"safeframe-actor+jwt\"}";
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private ActorToken() {
    }

    public static String mint(ActorClaims claims, PrivateKey key) {
        ObjectNode body = JSON.createObjectNode().put("iss", claims.issuer()).put("sub", claims.subject())
                .put("mth", claims.method()).put("cid", claims.correlationId())
                .put("iat", claims.issuedAt().getEpochSecond()).put("exp", claims.expiresAt().getEpochSecond());
        String signingInput = encode(HEADER_JSON.getBytes(StandardCharsets.UTF_8)) + "."
                + encode(body.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + encode(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign an actor token", e);
        }
    }

    /**
     * The claims of a token whose signature checks out with {@code key}, that is current at {@code now} and lives
     * no longer than {@code maxTtl}; otherwise an {@link InvalidActorToken} saying why.
     */
    public static ActorClaims verify(String token, PublicKey key, Instant now, Duration maxTtl) throws InvalidActorToken {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidActorToken("not a compact JWS");
        }
        JsonNode header = parse(parts[0]);
        if (!"ES256".equals(header.path("alg").asText())) {
            throw new InvalidActorToken("algorithm is not ES256");
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(DECODER.decode(parts[2]))) {
                throw new InvalidActorToken("signature does not match the caller's certificate");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidActorToken("signature does not match the caller's certificate");
        }
        JsonNode body = parse(parts[1]);
        ActorClaims claims = new ActorClaims(body.path("iss").asText(), body.path("sub").asText(),
                body.path("mth").asText(), body.path("cid").asText(),
                Instant.ofEpochSecond(body.path("iat").asLong()), Instant.ofEpochSecond(body.path("exp").asLong()));
        if (!claims.expiresAt().isAfter(now.minus(CLOCK_SKEW))) {
            throw new InvalidActorToken("expired");
        }
        if (claims.issuedAt().isAfter(now.plus(CLOCK_SKEW))
                || Duration.between(claims.issuedAt(), claims.expiresAt()).compareTo(maxTtl) > 0) {
            throw new InvalidActorToken("lives longer than " + maxTtl.toSeconds() + " s");
        }
        return claims;
    }

    private static JsonNode parse(String part) throws InvalidActorToken {
        try {
            JsonNode node = JSON.readTree(DECODER.decode(part));
            if (node == null || !node.isObject()) {
                throw new InvalidActorToken("not a JSON object");
            }
            return node;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new InvalidActorToken("unreadable");
        }
    }

    private static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** Why a token was not accepted. */
    public static final class InvalidActorToken extends Exception {
        public InvalidActorToken(String reason) {
            super(reason);
        }
    }
}
