package io.safeframe.likeness.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything configurable about likeness checks, under {@code safeframe.likeness}. */
@ConfigMapping(prefix = "safeframe.likeness")
public interface LikenessSettings {

    @WithDefault("5")
    int maxPhotos();

    /** A reference photo's face must be detected at least this surely (face-api's detector score, 0..1). */
    @WithDefault("0.8")
    double minDetectionScore();

    /** How often audit/AuditRelay empties the consent-audit outbox (read there by its @Scheduled expression). */
    @WithDefault("1s")
    java.time.Duration auditRelayInterval();

    /** Comma-separated master secrets, oldest first; never logged. */
    String masterKey();
}
