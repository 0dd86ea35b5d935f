package io.safeframe.gateway;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Real signed tokens (the OIDC test server's key), and the forgeries an attacker would try. */
final class Tokens {

    static final String ISSUER = "https://server.example.com";
    static final String AUDIENCE = "https://service.example.com";

    private Tokens() {
    }

    static JwtClaimsBuilder claims(String subject, String... roles) {
        return Jwt.claims().subject(subject).preferredUserName(subject).groups(Set.of(roles)).issuer(ISSUER)
                .audience(AUDIENCE).issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(300));
    }

    static String valid(String subject, String... roles) {
        return sign(claims(subject, roles));
    }

    static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }

    static String expired(String subject) {
        return sign(claims(subject, "user").issuedAt(Instant.now().minusSeconds(3600)).expiresAt(Instant.now().minusSeconds(600)));
    }

    static String wrongIssuer(String subject) {
        return sign(claims(subject, "user").issuer("https://evil.example.com"));
    }

    static String wrongAudience(String subject) {
        return sign(claims(subject, "user").audience("https://other-service.example.com"));
    }

    static String foreignKey(String subject) {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return claims(subject, "user").jws().keyId("1").sign(generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Same payload as a valid token, signature part flipped. */
    static String tamperedSignature(String subject) {
        String token = valid(subject, "user");
        char last = token.charAt(token.length() - 5);
        return token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);
    }

    static String algNone(String subject) {
        String valid = valid(subject, "admin", "user");
        String payload = valid.split("\\.")[1];
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
    }

    /** The classic confusion attack: HS256 "signed" with the server's public key as the HMAC secret. */
    static String hs256WithPublicKey(String subject, byte[] publicKey) {
        try {
            String valid = valid(subject, "admin", "user");
            String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"1\"}");
            String signingInput = header + "." + valid.split("\\.")[1];
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(publicKey, "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
