package io.safeframe.policy.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import io.safeframe.keyring.KeyRing;
import io.safeframe.keyring.KeyRingFiles;

/**
 * policy-service's two rings on disk (one directory, a Secret in Kubernetes): the Ed25519 checkpoint key
 * ({@code audit-ed25519[.N].pk8} + {@code .pub}) and the prompt HMAC key ({@code audit-prompt-hmac[.N].key}).
 * Version 0 is the file name from before rings. Rotation writes version N+1 next to the others.
 */
public final class AuditKeyFiles {

    static final String SIGNING = "audit-ed25519";
    static final String HMAC = "audit-prompt-hmac";

    private AuditKeyFiles() {
    }

    /** Ed25519 key id: 16 hex of SHA-256 over the public key (X.509 DER), as checkpoints have always recorded. */
    static String signingKeyId(PublicKey key) {
        return KeyRing.fingerprint(key.getEncoded(), 16);
    }

    /** HMAC key id: 16 hex of SHA-256 over the secret (a 256-bit random secret cannot be recovered from it). */
    static String hmacKeyId(byte[] secret) {
        return KeyRing.fingerprint(secret, 16);
    }

    public static KeyRing<KeyPair> signingRing(Path dir) throws IOException, GeneralSecurityException {
        KeyRingFiles files = new KeyRingFiles(dir, SIGNING);
        KeyFactory ed = KeyFactory.getInstance("Ed25519");
        List<KeyRing.Version<KeyPair>> out = new ArrayList<>();
        for (int v : files.versions("pk8")) {
            PublicKey pub = ed.generatePublic(new X509EncodedKeySpec(files.read(v, "pub")));
            KeyPair pair = new KeyPair(pub, ed.generatePrivate(new PKCS8EncodedKeySpec(files.read(v, "pk8"))));
            out.add(new KeyRing.Version<>(v, signingKeyId(pub), pair));
        }
        return ring(out, dir, SIGNING + ".pk8");
    }

    /** Only the public halves: what a verifier (the offline CLI, an auditor) needs. */
    public static KeyRing<PublicKey> publicRing(Path dir) throws IOException, GeneralSecurityException {
        KeyRingFiles files = new KeyRingFiles(dir, SIGNING);
        KeyFactory ed = KeyFactory.getInstance("Ed25519");
        List<KeyRing.Version<PublicKey>> out = new ArrayList<>();
        for (int v : files.versions("pub")) {
            PublicKey pub = ed.generatePublic(new X509EncodedKeySpec(files.read(v, "pub")));
            out.add(new KeyRing.Version<>(v, signingKeyId(pub), pub));
        }
        return ring(out, dir, SIGNING + ".pub");
    }

    public static KeyRing<byte[]> hmacRing(Path dir) throws IOException {
        KeyRingFiles files = new KeyRingFiles(dir, HMAC);
        List<KeyRing.Version<byte[]>> out = new ArrayList<>();
        for (int v : files.versions("key")) {
            byte[] secret = files.read(v, "key");
            out.add(new KeyRing.Version<>(v, hmacKeyId(secret), secret));
        }
        return ring(out, dir, HMAC + ".key");
    }

    private static <K> KeyRing<K> ring(List<KeyRing.Version<K>> versions, Path dir, String file) throws IOException {
        if (versions.isEmpty()) {
            throw new IOException("missing " + file + " in " + dir
                    + " (mount the audit Secret there, or enable safeframe.audit.generate-missing-keys for local runs)");
        }
        return KeyRing.of(versions);
    }

    /** Adds the next Ed25519 version; returns its key id. The service signs with it after its next start. */
    public static String rotateSigning(Path dir) throws IOException, GeneralSecurityException {
        KeyRingFiles files = new KeyRingFiles(dir, SIGNING);
        int next = Math.max(files.nextVersion("pk8"), files.nextVersion("pub"));
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        // public half first: a ring is read from the .pk8 files, so a crash in between leaves no half-made version
        files.write(next, "pub", pair.getPublic().getEncoded(), false);
        files.write(next, "pk8", pair.getPrivate().getEncoded(), true);
        return signingKeyId(pair.getPublic());
    }

    /** Adds the next prompt HMAC version (256 random bits); returns its key id. */
    public static String rotateHmac(Path dir) throws IOException {
        KeyRingFiles files = new KeyRingFiles(dir, HMAC);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        files.write(files.nextVersion("key"), "key", secret, true);
        return hmacKeyId(secret);
    }

    /** Local runs: the first version of each key when none exists yet (production mounts them from a Secret). */
    static void generateMissing(Path dir) throws IOException, GeneralSecurityException {
        if (new KeyRingFiles(dir, SIGNING).versions("pk8").isEmpty()) {
            rotateSigning(dir);
        }
        if (new KeyRingFiles(dir, HMAC).versions("key").isEmpty()) {
            rotateHmac(dir);
        }
    }
}
