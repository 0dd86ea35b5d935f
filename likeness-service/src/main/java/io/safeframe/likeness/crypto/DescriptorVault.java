package io.safeframe.likeness.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.safeframe.keyring.KeyRing;

/**
 * Envelope encryption of face descriptors (GDPR Art. 9 data). Each person has a random 256-bit data key; it is stored
 * only wrapped (AES-GCM) by the service master key, and the descriptors only sealed (AES-GCM) by the data key.
 * Deleting the wrapped key makes every copy of the sealed descriptors unreadable, backups included: that is the
 * crypto-shredding unenrolment relies on. Both layers bind the likeness id as associated data, so a sealed row
 * moved to another person's record does not open.
 *
 * <p>The master key is a ring (comma-separated secrets, oldest first): the newest wraps, every version unwraps, and a
 * wrapped key names the version that made it.
 */
public final class DescriptorVault {

    public static final int DIMENSIONS = 128;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRing<byte[]> masterKeys;

    /** @param masterSecrets the configured secret list; each entry is stretched to an AES-256 key with SHA-256 */
    public DescriptorVault(String masterSecrets) {
        if (masterSecrets == null || masterSecrets.isBlank()) {
            throw new IllegalStateException("no likeness master key configured (safeframe.likeness.master-key)");
        }
        this.masterKeys = KeyRing.ofSecretList(masterSecrets, 12).map(DescriptorVault::stretch);
    }

    /** A wrapped data key as stored: the master key version's id and nonce‖ciphertext‖tag. */
    public record WrappedKey(String masterKeyId, byte[] wrapped) {
    }

    /** A fresh data key for one person. The caller wraps it for storage and forgets it. */
    public byte[] newDataKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    public WrappedKey wrap(byte[] dataKey, String likenessId) {
        KeyRing.Version<byte[]> master = masterKeys.newest();
        return new WrappedKey(master.id(), seal(master.key(), dataKey, aad("key", likenessId)));
    }

    public byte[] unwrap(WrappedKey wrapped, String likenessId) {
        byte[] master = masterKeys.byId(wrapped.masterKeyId())
                .orElseThrow(() -> new IllegalStateException("master key version " + wrapped.masterKeyId() + " is not configured"))
                .key();
        return open(master, wrapped.wrapped(), aad("key", likenessId));
    }

    public byte[] sealDescriptor(byte[] dataKey, float[] descriptor, String likenessId) {
        if (descriptor.length != DIMENSIONS) {
            throw new IllegalArgumentException("a descriptor has " + DIMENSIONS + " numbers, not " + descriptor.length);
        }
        ByteBuffer plain = ByteBuffer.allocate(4 * DIMENSIONS);
        for (float f : descriptor) {
            plain.putFloat(f);
        }
        byte[] bytes = plain.array();
        try {
            return seal(dataKey, bytes, aad("descriptor", likenessId));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public float[] openDescriptor(byte[] dataKey, byte[] sealed, String likenessId) {
        byte[] bytes = open(dataKey, sealed, aad("descriptor", likenessId));
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        float[] out = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            out[i] = buf.getFloat();
        }
        Arrays.fill(bytes, (byte) 0);
        return out;
    }

    private static byte[] aad(String layer, String likenessId) {
        return ("safeframe.likeness." + layer + ":" + likenessId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] seal(byte[] key, byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(plain);
            return ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static byte[] open(byte[] key, byte[] sealed, byte[] aad) {
        if (sealed.length < NONCE + TAG_BITS / 8) {
            throw new SealedDataException("sealed data is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SealedDataException("sealed data does not open with this key for this likeness");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static byte[] stretch(byte[] secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tampered, misplaced or wrongly keyed sealed data. Never carries the data. */
    public static final class SealedDataException extends RuntimeException {
        SealedDataException(String message) {
            super(message);
        }
    }
}
