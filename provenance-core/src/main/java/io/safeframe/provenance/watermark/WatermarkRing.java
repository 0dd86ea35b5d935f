package io.safeframe.provenance.watermark;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.safeframe.keyring.KeyRing;

/**
 * Every version of the watermark key. New media is marked with the newest; a read tries each version, newest
 * first, and reports which one found the mark, so media marked before a rotation is still recognised and its
 * registry record (which stores the key id it was marked with) still found. Each version tried is one more set of
 * tests, so each is held to its share of the bound ({@link FalsePositiveBound#forRing}: the multiplier grows with
 * the ring, α stays 1e-6); a longer ring therefore needs slightly stronger evidence, which is why versions are
 * retired (removed from the list) once nothing marked with them matters any more. A retired key's marks are then
 * simply not found — never attributed to another key.
 *
 * <p>Configured as one secret per version, oldest first, separated by commas ({@code SAFEFRAME_WATERMARK_KEY}, the
 * Secret's {@code watermark-key}): a single secret, as before rings, is a ring of one.
 */
public final class WatermarkRing {

    private final KeyRing<WatermarkKey> keys;
    private final Map<String, MediaMarker> markers = new HashMap<>();
    private final FalsePositiveBound bound;

    public WatermarkRing(KeyRing<WatermarkKey> keys) {
        this.keys = keys;
        this.bound = FalsePositiveBound.forRing(keys.size());
        for (KeyRing.Version<WatermarkKey> v : keys.newestFirst()) {
            markers.put(v.id(), new MediaMarker(new Watermarker(v.key())));
        }
    }

    /** "oldest,…,newest" (surrounding blanks ignored). */
    public static WatermarkRing parse(String secrets) {
        // ids: 8 hex of the secret's SHA-256, the id WatermarkKey computes itself (and the registry records)
        return new WatermarkRing(KeyRing.ofSecretList(secrets, 8).map(WatermarkKey::new));
    }

    public FalsePositiveBound bound() {
        return bound;
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
            MediaMarker.Read r = markers.get(v.id()).detect(in, v.key(), bound);
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
            if (Detection.of(marker.read(luma, width, height), v.key(), bound.unsearched()).detected()) {
                return v.id();
            }
        }
        return null;
    }
}
