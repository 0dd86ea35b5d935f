package io.safeframe.report.webhook;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.safeframe.api.v1.ReplayWebhooksRequest;
import io.safeframe.api.v1.WebhookEvent;
import io.safeframe.api.v1.WebhookEventList;
import io.safeframe.api.v1.WebhookEventsRequest;
import io.safeframe.report.Refusal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The admin side of webhooks: the events with their delivery state, and replay. A replay puts events back to PENDING
 * with a fresh attempt budget and sends the same event (same id, same body, a new signature timestamp): the platform
 * deduplicates by id, so replaying what it already has is harmless.
 */
@ApplicationScoped
public class WebhookAdmin {

    private static final Set<String> STATES = Set.of("PENDING", "DELIVERED", "DEAD");
    private static final int MAX_LIST = 500;
    private static final int MAX_REPLAY = 1000;

    private final Pool pool;
    private final io.safeframe.report.enforcement.Outbox outbox;

    public WebhookAdmin(Pool pool, io.safeframe.report.enforcement.Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    public Uni<WebhookEventList> list(WebhookEventsRequest request) {
        String state = request.getState();
        if (!state.isEmpty() && !STATES.contains(state)) {
            throw Refusal.invalid("state must be one of " + STATES + " or empty");
        }
        int limit = request.getLimit() == 0 ? 100 : request.getLimit();
        if (limit < 1 || limit > MAX_LIST) {
            throw Refusal.invalid("limit must be between 1 and " + MAX_LIST);
        }
        return pool.preparedQuery("""
                select * from webhook_event where ($1 = '' or state = $1) order by created_at desc, event_id limit $2""")
                .execute(Tuple.of(state, limit)).map(WebhookAdmin::toList);
    }

    public Uni<WebhookEventList> replay(ReplayWebhooksRequest request) {
        boolean byIds = request.getEventIdsCount() > 0;
        boolean byState = !request.getState().isEmpty();
        if (byIds == byState) {
            throw Refusal.invalid("name either event_ids or a state, not both and not neither");
        }
        if (byState && !request.getState().equals("DEAD") && !request.getState().equals("DELIVERED")) {
            throw Refusal.invalid("replay by state takes DEAD or DELIVERED");
        }
        if (request.getEventIdsCount() > MAX_REPLAY) {
            throw Refusal.invalid("at most " + MAX_REPLAY + " event ids");
        }
        List<UUID> ids = new ArrayList<>();
        for (String id : request.getEventIdsList()) {
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("event id '" + id + "' is not a UUID");
            }
        }
        String set = "update webhook_event set state = 'PENDING', attempts = 0, replays = replays + 1, next_attempt_at = now(),"
                + " delivered_at = null, last_error = null ";
        // one transaction: a list with an unknown id replays nothing
        return pool.withTransaction(conn -> {
            Uni<RowSet<Row>> updated = byIds
                    ? conn.preparedQuery(set + "where event_id = any($1) returning *").execute(Tuple.of(ids.toArray(new UUID[0])))
                    : conn.preparedQuery(set + "where event_id in (select event_id from webhook_event where state = $1"
                            + " order by created_at limit $2) returning *").execute(Tuple.of(request.getState(), MAX_REPLAY));
            return updated.map(rows -> {
                if (byIds && rows.rowCount() < ids.stream().distinct().count()) {
                    throw Refusal.notFound((ids.stream().distinct().count() - rows.rowCount()) + " of the event ids are unknown");
                }
                return toList(rows);
            }).call(list -> outbox.audit(conn, request.getContext(), null, "webhooks.replayed", byState ? request.getState() : "",
                    io.safeframe.api.v1.Decision.ALLOW, "admin replay of " + list.getEventsCount() + " webhook event(s)",
                    java.util.Map.of("count", Integer.toString(list.getEventsCount()))));
        });
    }

    private static WebhookEventList toList(RowSet<Row> rows) {
        WebhookEventList.Builder out = WebhookEventList.newBuilder();
        for (Row r : rows) {
            out.addEvents(WebhookEvent.newBuilder().setEventId(r.getUUID("event_id").toString()).setType(r.getString("event_type"))
                    .setState(r.getString("state")).setAttempts(r.getInteger("attempts")).setReplays(r.getInteger("replays"))
                    .setCreatedAt(time(r.getOffsetDateTime("created_at"))).setNextAttemptAt(time(r.getOffsetDateTime("next_attempt_at")))
                    .setDeliveredAt(time(r.getOffsetDateTime("delivered_at")))
                    .setLastError(r.getString("last_error") == null ? "" : r.getString("last_error"))
                    .setPayloadJson(r.getString("payload")));
        }
        return out.build();
    }

    private static String time(OffsetDateTime t) {
        return t == null ? "" : t.toString();
    }
}
