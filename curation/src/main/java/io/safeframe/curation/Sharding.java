package io.safeframe.curation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.ByteBuffer;

/**
 * Which shard an item belongs to: the first 8 bytes of SHA-256 over its key, unsigned, modulo the shard count. Stable
 * across runs, machines and JVMs (never {@code String.hashCode}), so a retried pod takes exactly the items it had.
 */
public final class Sharding {

    private Sharding() {
    }

    public static int shardOf(String key, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest, 0, 8).getLong(), shards);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
