package io.safeframe.report.webhook;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records a webhook event on the caller's connection, inside the transaction of what it reports: a decision and its
 * event commit together or not at all, so the platform hears of every decision exactly once (after retries) and of
 * nothing that was rolled back. The body is fixed here; the worker sends these bytes. Events name accounts and
 * content by their platform ids and never a moderator or a reporter.
 */
@ApplicationScoped
public class WebhookEvents {

    /** The body layout's version, so the platform can tell a later change of the fields. */
    public static final String API_VERSION = "2026-12-02";

    private final boolean enabled;

    public WebhookEvents(WebhookSettings settings) {
        this.enabled = settings.url().isPresent();
    }

    public Uni<Void> record(SqlConnection conn, String type, JsonObject data) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        UUID id = UUID.randomUUID();
        String body = new JsonObject().put("id", id.toString()).put("type", type).put("apiVersion", API_VERSION)
                .put("createdAt", OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .put("data", data).encode();
        return conn.preparedQuery("insert into webhook_event (event_id, event_type, payload) values ($1, $2, $3)")
                .execute(Tuple.of(id, type, body)).replaceWithVoid();
    }
}
