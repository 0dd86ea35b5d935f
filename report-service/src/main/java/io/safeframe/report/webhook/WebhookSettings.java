package io.safeframe.report.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the platform's webhook endpoint is and how deliveries are retried (docs/webhooks.md). No URL: webhooks are
 * off and no events are recorded. The secret is never in git: SAFEFRAME_WEBHOOK_SECRET (a Kubernetes Secret), or a
 * test's own random value.
 */
@ConfigMapping(prefix = "safeframe.webhook")
public interface WebhookSettings {

    /** The platform's endpoint (https in production); empty = webhooks off. */
    Optional<URI> url();

    /** Names the secret in the Safeframe-Key-Id header, so the platform can hold the old and the new one while rotating. */
    @WithDefault("k1")
    String keyId();

    /** The HMAC-SHA256 key; at least 32 characters; required when a URL is set. */
    Optional<String> secret();

    /** Attempts before an event is dead-lettered (state DEAD; an admin replay sends it again). */
    @WithDefault("15")
    int maxAttempts();

    /** Wait after the first failed attempt; doubled after each further one, up to {@link #maxBackoff()}. */
    @WithDefault("PT2S")
    Duration initialBackoff();

    @WithDefault("PT1H")
    Duration maxBackoff();

    /** Per request: connect and answer. */
    @WithDefault("PT5S")
    Duration timeout();

    /** How often the worker looks for due events (read by WebhookDelivery's @Scheduled expression; here so it is validated). */
    @WithDefault("1s")
    String poll();

    /** Events sent per round of the worker. */
    @WithDefault("50")
    int batch();
}
