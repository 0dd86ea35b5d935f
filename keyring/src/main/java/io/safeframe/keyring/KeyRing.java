package io.safeframe.keyring;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every version of one key: the newest signs (MACs, marks), every version still verifies. Each version has an id
 * derived from its key material (a fingerprint), and whatever a key produces records that id, so a verifier picks
 * the right version instead of guessing, and an id can never point to the wrong key.
 *
 * @param <K> the key material (a key pair, a public key, an HMAC secret, a watermark key, a C2PA identity)
 */
public final class KeyRing<K> {

    /** One version of the key. {@code version} orders the ring (higher is newer); {@code id} names it in records. */
    public record Version<K>(int version, String id, K key) {
    }

    private final List<Version<K>> versions; // oldest first

    private KeyRing(List<Version<K>> versions) {
        this.versions = versions;
    }

    public static <K> KeyRing<K> of(List<Version<K>> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a key ring needs at least one key");
        }
        List<Version<K>> sorted = new ArrayList<>(versions);
        sorted.sort(Comparator.comparingInt(Version::version));
        Set<String> ids = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (Version<K> v : sorted) {
            if (!ids.add(v.id())) {
                throw new IllegalArgumentException("key id " + v.id() + " appears twice in the ring (the same key twice?)");
            }
            if (!numbers.add(v.version())) {
                throw new IllegalArgumentException("key version " + v.version() + " appears twice in the ring");
            }
        }
        return new KeyRing<>(List.copyOf(sorted));
    }

    /** The version that signs: the newest. */
    public Version<K> newest() {
        return versions.get(versions.size() - 1);
    }

    public Optional<Version<K>> byId(String id) {
        for (Version<K> v : versions) {
            if (v.id().equals(id)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Newest first: the order to try keys in when a record does not name one (legacy values, watermark reads). */
    public List<Version<K>> newestFirst() {
        List<Version<K>> out = new ArrayList<>(versions);
        java.util.Collections.reverse(out);
        return out;
    }

    public List<String> ids() {
        return versions.stream().map(Version::id).toList();
    }

    public int size() {
        return versions.size();
    }

    /** The same ring over derived material, e.g. key pairs to their public keys; versions and ids are kept. */
    public <T> KeyRing<T> map(Function<K, T> derive) {
        return new KeyRing<>(versions.stream().map(v -> new Version<>(v.version(), v.id(), derive.apply(v.key()))).toList());
    }

    /**
     * A ring from a secret list "oldest,…,newest" (how a ring of plain secrets travels in one environment variable or
     * Secret key; blanks around entries ignored, empty entries skipped): version = position, id = a fingerprint of
     * the secret ({@code idHexChars} hex), so a record names the secret that made it without revealing it.
     */
    public static KeyRing<byte[]> ofSecretList(String secrets, int idHexChars) {
        List<Version<byte[]>> versions = new ArrayList<>();
        String[] parts = secrets.split(",");
        for (int i = 0; i < parts.length; i++) {
            String secret = parts[i].trim();
            if (!secret.isEmpty()) {
                byte[] key = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                versions.add(new Version<>(i, fingerprint(key, idHexChars), key));
            }
        }
        return of(versions);
    }

    /** The first {@code hexChars} hex digits of SHA-256 over the material: the usual key id. */
    public static String fingerprint(byte[] material, int hexChars) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material)).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
