package io.safeframe.report.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Sends due webhook events to the platform. Each round claims up to a batch of due PENDING events with
 * {@code FOR UPDATE SKIP LOCKED} and moves their next attempt past the request timeout (a lease: another replica, or
 * this one after a crash, takes them again only once that has passed), then posts each signed body. A 2xx answer
 * marks the event DELIVERED and it is never sent again unless an admin replays it; anything else (an error status, a
 * refused connection, a timeout) schedules the next attempt after an exponentially growing wait, and the
 * {@code max-attempts}-th failure dead-letters it (DEAD, with the last error). Delivery is at-least-once: a 2xx lost on
 * the way back repeats the event, so receivers deduplicate by Safeframe-Event-Id (docs/webhooks.md).
 */
@ApplicationScoped
public class WebhookDelivery {

    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class);

    private final Pool pool;
    private final WebhookSettings settings;
    private final HttpClient http;

    public WebhookDelivery(Pool pool, WebhookSettings settings) {
        this.pool = pool;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A URL without a usable secret would send unsigned or guessable signatures: refuse to start instead. */
    void checkAtStart(@Observes StartupEvent start) {
        if (settings.url().isPresent() && settings.secret().map(String::length).orElse(0) < 32) {
            throw new IllegalStateException("safeframe.webhook.url is set but safeframe.webhook.secret (SAFEFRAME_WEBHOOK_SECRET) "
                    + "is missing or shorter than 32 characters");
        }
        if (settings.maxAttempts() < 1) {
            throw new IllegalStateException("safeframe.webhook.max-attempts must be at least 1");
        }
    }

    @Scheduled(every = "${safeframe.webhook.poll:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (settings.url().isEmpty()) {
            return;
        }
        try {
            deliverDue();
        } catch (RuntimeException e) {
            LOG.warnf("webhook round failed: %s", e.toString());
        }
    }

    /** One round; returns how many events were attempted. Blocking: runs on the scheduler's worker thread. */
    public int deliverDue() {
        long leaseMillis = settings.timeout().toMillis() * 2 + 1000;
        List<Row> due = pool.preparedQuery("""
                update webhook_event set next_attempt_at = now() + make_interval(secs => $2)
                where event_id in (select event_id from webhook_event where state = 'PENDING' and next_attempt_at <= now()
                                   order by created_at limit $1 for update skip locked)
                returning event_id, event_type, payload, attempts""")
                .execute(Tuple.of(settings.batch(), leaseMillis / 1000.0)).await().atMost(Duration.ofSeconds(30))
                .stream().toList();
        for (Row row : due) {
            attempt(row.getUUID("event_id"), row.getString("event_type"), row.getString("payload"), row.getInteger("attempts") + 1);
        }
        return due.size();
    }

    private void attempt(UUID id, String type, String body, int attempt) {
        String failure = send(id, type, body, attempt);
        if (failure == null) {
            pool.preparedQuery("""
                    update webhook_event set state = 'DELIVERED', delivered_at = now(), attempts = $2, last_error = null
                    where event_id = $1""").execute(Tuple.of(id, attempt)).await().atMost(Duration.ofSeconds(10));
            return;
        }
        if (attempt >= settings.maxAttempts()) {
            LOG.errorf("webhook event %s (%s) dead-lettered after %d attempts: %s", id, type, attempt, failure);
            pool.preparedQuery("update webhook_event set state = 'DEAD', attempts = $2, last_error = $3 where event_id = $1")
                    .execute(Tuple.of(id, attempt, failure)).await().atMost(Duration.ofSeconds(10));
            return;
        }
        double wait = backoff(attempt).toMillis() / 1000.0;
        pool.preparedQuery("""
                update webhook_event set attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4)
                where event_id = $1""").execute(Tuple.of(id, attempt, failure, wait)).await().atMost(Duration.ofSeconds(10));
    }

    /** The wait after the n-th failed attempt: initial × 2^(n-1), at most max-backoff. */
    Duration backoff(int failedAttempts) {
        long cap = settings.maxBackoff().toMillis();
        long wait = settings.initialBackoff().toMillis();
        for (int n = 1; n < failedAttempts && wait < cap; n++) {
            wait *= 2;
        }
        return Duration.ofMillis(Math.min(cap, wait));
    }

    /** Posts one event; null when the platform took it (2xx), else why not. */
    private String send(UUID id, String type, String body, int attempt) {
        long now = System.currentTimeMillis() / 1000;
        URI url = settings.url().orElseThrow();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Safeframe-Webhooks/1")
                .header(WebhookSignature.EVENT_ID, id.toString())
                .header(WebhookSignature.EVENT_TYPE, type)
                .header(WebhookSignature.KEY_ID, settings.keyId())
                .header(WebhookSignature.TIMESTAMP, Long.toString(now))
                .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(settings.secret().orElseThrow(), now, id.toString(), body))
                .header(WebhookSignature.ATTEMPT, Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() / 100 == 2 ? null : "HTTP " + answer.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
