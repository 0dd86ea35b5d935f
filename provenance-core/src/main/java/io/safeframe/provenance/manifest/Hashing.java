package io.safeframe.provenance.manifest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the one hash C2PA manifests here use. */
public final class Hashing {

    private Hashing() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    public static byte[] sha256(byte[] bytes, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(bytes, offset, length);
        return sha.digest();
    }
}
