package io.safeframe.gateway.clips;

/** An object in the clip bucket and what its bytes must be: a read that differs is refused. */
public record StoredClip(String key, String sha256, long size) {
}
