package io.safeframe.policy.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.safeframe.keyring.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The audit log's key rings: Ed25519 checkpoint keys and prompt HMAC keys. The newest version signs and MACs;
 * every version verifies, picked by the key id recorded next to what it produced. In Kubernetes the files come
 * from a Secret; local runs generate the first version on start into the git-ignored data folder.
 */
@ApplicationScoped
public class AuditKeys {

    private record Rings(KeyRing<KeyPair> signing, KeyRing<PublicKey> verifying, KeyRing<byte[]> hmac) {
    }

    /** A signature and the id of the key that made it (taken together, so a reload in between cannot split them). */
    public record Signed(String keyId, String signatureHex) {
    }

    private final Path dir;
    private volatile Rings rings;

    public AuditKeys(@ConfigProperty(name = "safeframe.audit.key-dir") String keyDir,
            @ConfigProperty(name = "safeframe.audit.generate-missing-keys", defaultValue = "false") boolean generate) {
        this.dir = Path.of(keyDir);
        try {
            if (generate) {
                AuditKeyFiles.generateMissing(dir);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not generate audit keys in " + keyDir + ": " + e.getMessage(), e);
        }
        reload();
    }

    /** Re-reads the key directory: called at start, and by tests after a rotation (a running service restarts). */
    public final void reload() {
        try {
            KeyRing<KeyPair> signing = AuditKeyFiles.signingRing(dir);
            rings = new Rings(signing, signing.map(KeyPair::getPublic), AuditKeyFiles.hmacRing(dir));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("audit keys unusable in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The id of the key that signs new checkpoints. */
    public String keyId() {
        return rings.signing().newest().id();
    }

    public KeyRing<PublicKey> verifyingRing() {
        return rings.verifying();
    }

    /** Signs with the newest key; {@code statement} is built for that key's id (see {@link #keyId()}). */
    public Signed sign(java.util.function.Function<String, byte[]> statementForKeyId) {
        KeyRing.Version<KeyPair> newest = rings.signing().newest();
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(newest.key().getPrivate());
            s.update(statementForKeyId.apply(newest.id()));
            return new Signed(newest.id(), HexFormat.of().formatHex(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keyed hash of a prompt, {@code KEYID:HEX}: lets us link repeated prompts and prove one later without storing
     * it, and names the key so the value can still be checked after a rotation.
     */
    public String promptHmac(String prompt) {
        if (prompt == null || prompt.isEmpty()) {
            return null;
        }
        KeyRing.Version<byte[]> newest = rings.hmac().newest();
        return newest.id() + ":" + hmac(newest.key(), prompt);
    }

    /**
     * Whether {@code stored} is this prompt's HMAC under the key it names; legacy values (bare hex, from before key
     * ids were recorded) are tried under every version.
     */
    public boolean promptMatches(String prompt, String stored) {
        if (prompt == null || prompt.isEmpty() || stored == null) {
            return false;
        }
        int colon = stored.indexOf(':');
        if (colon < 0) {
            return rings.hmac().newestFirst().stream().anyMatch(v -> same(hmac(v.key(), prompt), stored));
        }
        String mac = stored.substring(colon + 1);
        return rings.hmac().byId(stored.substring(0, colon)).map(v -> same(hmac(v.key(), prompt), mac)).orElse(false);
    }

    private static boolean same(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** The prompt's HMAC under every version: what to look up to find it in records written before a rotation. */
    public List<String> promptHmacs(String prompt) {
        List<String> out = new ArrayList<>();
        for (KeyRing.Version<byte[]> v : rings.hmac().newestFirst()) {
            out.add(v.id() + ":" + hmac(v.key(), prompt));
        }
        return out;
    }

    /** A key for one purpose, derived from an HMAC key version, with that version's id. */
    public record DerivedKey(String keyId, byte[] key) {
    }

    /**
     * A 256-bit key for {@code purpose} derived from the newest HMAC key with HKDF-SHA256 (RFC 5869): extract with a fixed
     * salt, then expand with the purpose. Not HMAC(key, purpose) alone: that is exactly {@link #promptHmac} of a prompt
     * equal to the purpose, which any user could make the audit log record. No second Secret to mount, and destroying
     * a key version makes everything derived from it unreadable.
     */
    public DerivedKey derived(String purpose) {
        KeyRing.Version<byte[]> newest = rings.hmac().newest();
        return new DerivedKey(newest.id(), hkdf(newest.key(), purpose));
    }

    /** The key for {@code purpose} derived from the version named {@code keyId}; empty once that version is gone. */
    public java.util.Optional<DerivedKey> derived(String purpose, String keyId) {
        return rings.hmac().byId(keyId).map(v -> new DerivedKey(v.id(), hkdf(v.key(), purpose)));
    }

    private static final byte[] HKDF_SALT = "safeframe/audit-keys/derived/v1".getBytes(StandardCharsets.UTF_8);

    /** HKDF-SHA256 with one block of output (32 bytes): PRK = HMAC(salt, key); OKM = HMAC(PRK, info || 0x01). */
    static byte[] hkdf(byte[] key, String info) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(HKDF_SALT, "HmacSHA256"));
            byte[] prk = extract.doFinal(key);
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            expand.update(info.getBytes(StandardCharsets.UTF_8));
            expand.update((byte) 0x01);
            return expand.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(byte[] key, String prompt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(prompt.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
