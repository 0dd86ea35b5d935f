package io.safeframe.provenance.watermark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.keyring.KeyRing;

/**
 * Every version of the watermark key. New media is marked with the newest; a read tries each version, newest
 * first, and reports which one found the mark, so media marked before a rotation is still recognised and its
 * registry record (which stores the key id it was marked with) still found. Each version tried is one more
 * hypothesis: with k versions the false-positive bound is k × 1e-6, which is why old versions are retired once
 * nothing marked with them matters any more.
 *
 * <p>Configured as one secret per version, oldest first, separated by commas ({@code SAFEFRAME_WATERMARK_KEY}, the
 * Secret's {@code watermark-key}): a single secret, as before rings, is a ring of one.
 */
public final class WatermarkRing {

    private final KeyRing<WatermarkKey> keys;
    private final Map<String, MediaMarker> markers = new HashMap<>();

    public WatermarkRing(KeyRing<WatermarkKey> keys) {
        this.keys = keys;
        for (KeyRing.Version<WatermarkKey> v : keys.newestFirst()) {
            markers.put(v.id(), new MediaMarker(new Watermarker(v.key())));
        }
    }

    /** "oldest,…,newest" (surrounding blanks ignored). */
    public static WatermarkRing parse(String secrets) {
        List<KeyRing.Version<WatermarkKey>> versions = new ArrayList<>();
        String[] parts = secrets.split(",");
        for (int i = 0; i < parts.length; i++) {
            String secret = parts[i].trim();
            if (secret.isEmpty()) {
                continue;
            }
            WatermarkKey key = new WatermarkKey(secret.getBytes(StandardCharsets.UTF_8));
            versions.add(new KeyRing.Version<>(i, key.keyId(), key));
        }
        return new WatermarkRing(KeyRing.of(versions));
    }

    public KeyRing<WatermarkKey> keys() {
        return keys;
    }

    /** The version that marks new media. */
    public KeyRing.Version<WatermarkKey> newest() {
        return keys.newest();
    }

    public MediaMarker marker() {
        return markers.get(keys.newest().id());
    }

    /** A reading and the id of the key version that detected the mark (null when none did). */
    public record Found(MediaMarker.Read read, String keyId) {
    }

    /** Tries the versions newest first; the first that detects a mark wins. */
    public Found detect(Path in) throws MediaMarker.MediaError {
        MediaMarker.Read first = null;
        for (KeyRing.Version<WatermarkKey> v : keys.newestFirst()) {
            MediaMarker.Read r = markers.get(v.id()).detect(in, v.key());
            if (r.detection().detected()) {
                return new Found(r, v.id());
            }
            first = first == null ? r : first;
        }
        return new Found(first, null);
    }

    /** The same for one decoded luma plane (images already in memory). */
    public String detectedBy(byte[] luma, int width, int height) {
        for (KeyRing.Version<WatermarkKey> v : keys.newestFirst()) {
            Watermarker marker = markers.get(v.id()).watermarker();
            if (Detection.of(marker.read(luma, width, height), v.key()).detected()) {
                return v.id();
            }
        }
        return null;
    }
}
