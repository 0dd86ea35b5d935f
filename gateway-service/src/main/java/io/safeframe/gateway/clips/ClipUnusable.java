package io.safeframe.gateway.clips;

/**
 * A stored clip that cannot be used: its object is missing, or its bytes are not the ones recorded (SHA-256 or size
 * differ). Never served and never published; a job step treats it as no clip and makes it again.
 */
public class ClipUnusable extends RuntimeException {

    public final String key;
    public final boolean missing;

    public ClipUnusable(String key, boolean missing, String why) {
        super("clip " + key + ": " + why, null, false, false);
        this.key = key;
        this.missing = missing;
    }
}
