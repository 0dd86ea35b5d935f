package io.safeframe.policy.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.policy.AuditOutboxRelay;
import io.safeframe.policy.audit.AuditEntry;
import io.safeframe.policy.audit.AuditOutbox;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What was measured about a policy version, kept with it: a backtest's report, a canary's arms as people judged them,
 * the stop rule's finding. Each is written with its audit event in one transaction, so a figure a reviewer relied on
 * is on record with the version it was about, and never edited afterwards.
 */
@ApplicationScoped
public class PolicyEvaluations {

    public record Evaluation(String evaluation, String headline, String summaryJson, String recordedBy, Instant recordedAt) {
    }

    static final int MAX_SUMMARY_CHARS = 256 * 1024;
    /** Each evaluation and the audit action it is recorded under. */
    private static final Map<String, String> ACTIONS = Map.of("backtest", "policy.backtested", "backtest-recent",
            "policy.backtested", "canary-outcomes", "policy.canary_evaluated", "retroactive", "policy.retroactive_run");

    private final Pool pool;
    private final AuditOutbox outbox;
    private final AuditOutboxRelay relay;
    private final ObjectMapper json;
    private final PolicyStore store;

    public PolicyEvaluations(Pool pool, AuditOutbox outbox, AuditOutboxRelay relay, ObjectMapper json, PolicyStore store) {
        this.pool = pool;
        this.outbox = outbox;
        this.relay = relay;
        this.json = json;
        this.store = store;
    }

    /** Records one evaluation of an existing version (refused: unknown evaluation, bad JSON, too large, no headline). */
    public Uni<Evaluation> record(String kind, int version, String evaluation, String summaryJson, String headline,
            PolicyStore.Actor actor) {
        store.requireKind(kind);
        String action = ACTIONS.get(evaluation);
        if (action == null) {
            throw new PolicyStore.InvalidDocument("evaluation must be one of " + new java.util.TreeSet<>(ACTIONS.keySet()));
        }
        if (headline == null || headline.isBlank() || headline.length() > 2000) {
            throw new PolicyStore.InvalidDocument("a headline of 1-2000 characters is required");
        }
        JsonNode summary = summary(summaryJson);
        return pool.withTransaction(conn -> store.find(conn, kind, version)
                .chain(v -> insert(conn, kind, version, evaluation, headline, summary, actor.name()))
                .call(e -> outbox.enqueue(conn, AuditEntry.draft(actor.name(), null, action, "policy:" + kind + "/v" + version,
                        "ALLOW", headline, actor.correlationId(), null,
                        Map.of("kind", kind, "version", Integer.toString(version), "evaluation", evaluation)))))
                .invoke(relay::sealSoon);
    }

    private JsonNode summary(String summaryJson) {
        if (summaryJson == null || summaryJson.isBlank() || summaryJson.length() > MAX_SUMMARY_CHARS) {
            throw new PolicyStore.InvalidDocument("summary must be a JSON object of at most " + MAX_SUMMARY_CHARS + " characters");
        }
        try {
            JsonNode node = json.readTree(summaryJson);
            if (node == null || !node.isObject()) {
                throw new PolicyStore.InvalidDocument("summary must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new PolicyStore.InvalidDocument("summary is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The one insert, also used inside the stop rule's own transaction (its audit event is the retirement's). */
    static Uni<Evaluation> insert(SqlConnection conn, String kind, int version, String evaluation, String headline,
            JsonNode summary, String recordedBy) {
        return conn.preparedQuery("insert into policy_evaluation (kind, version, evaluation, headline, summary, recorded_by) "
                + "values ($1, $2, $3, $4, $5, $6) returning evaluation, headline, summary::text as summary, recorded_by, recorded_at")
                .execute(Tuple.of(kind, version, evaluation, headline, new JsonObject(summary.toString()), recordedBy))
                .map(rows -> of(rows.iterator().next()));
    }

    public Uni<List<Evaluation>> list(String kind, int version) {
        return pool.preparedQuery("select evaluation, headline, summary::text as summary, recorded_by, recorded_at "
                + "from policy_evaluation where kind = $1 and version = $2 order by id").execute(Tuple.of(kind, version)).map(rows -> {
                    List<Evaluation> out = new ArrayList<>();
                    rows.forEach(r -> out.add(of(r)));
                    return out;
                });
    }

    private static Evaluation of(Row r) {
        return new Evaluation(r.getString("evaluation"), r.getString("headline"), r.getString("summary"),
                r.getString("recorded_by"), r.getOffsetDateTime("recorded_at").toInstant());
    }
}
