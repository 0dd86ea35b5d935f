package io.safeframe.policy.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The audit log's secrets: the Ed25519 checkpoint key and the HMAC key for prompts. In Kubernetes they are
 * files mounted from a Secret; local runs generate them on first start into the git-ignored data folder.
 */
@ApplicationScoped
public class AuditKeys {

    private final PrivateKey signingKey;
    private final PublicKey verifyKey;
    private final String keyId;
    private final byte[] hmacKey;

    public AuditKeys(@ConfigProperty(name = "safeframe.audit.key-dir") String keyDir,
            @ConfigProperty(name = "safeframe.audit.generate-missing-keys", defaultValue = "false") boolean generate) {
        try {
            Path dir = Path.of(keyDir);
            Path priv = dir.resolve("audit-ed25519.pk8");
            Path pub = dir.resolve("audit-ed25519.pub");
            Path hmac = dir.resolve("audit-prompt-hmac.key");
            if (generate && !Files.exists(priv)) {
                Files.createDirectories(dir);
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                writeSecret(priv, pair.getPrivate().getEncoded());
                Files.write(pub, pair.getPublic().getEncoded());
            }
            if (generate && !Files.exists(hmac)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                writeSecret(hmac, key);
            }
            KeyFactory ed = KeyFactory.getInstance("Ed25519");
            this.signingKey = ed.generatePrivate(new PKCS8EncodedKeySpec(read(priv)));
            this.verifyKey = ed.generatePublic(new X509EncodedKeySpec(read(pub)));
            this.hmacKey = read(hmac);
            this.keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(verifyKey.getEncoded()), 0, 8);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("audit keys unusable in " + keyDir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("missing " + file.getFileName()
                    + " (mount the audit Secret there, or enable safeframe.audit.generate-missing-keys for local runs)");
        }
        return Files.readAllBytes(file);
    }

    private static void writeSecret(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        try {
            Files.setPosixFilePermissions(file, Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the folder's own permissions apply
        }
    }

    public String keyId() {
        return keyId;
    }

    public String sign(byte[] statement) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signingKey);
            s.update(statement);
            return HexFormat.of().formatHex(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean verify(byte[] statement, String signatureHex) {
        return AuditExportCheck.verify(verifyKey, statement, signatureHex);
    }

    /** Keyed hash of a prompt: lets us link repeated prompts and prove one later without storing it. */
    public String promptHmac(String prompt) {
        if (prompt == null || prompt.isEmpty()) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
