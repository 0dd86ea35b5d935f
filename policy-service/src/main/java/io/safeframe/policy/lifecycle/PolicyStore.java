package io.safeframe.policy.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;

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
 * Policy versions in PostgreSQL. Every change runs in one transaction under a per-kind advisory lock (versions are
 * numbered and moved one at a time) and enqueues its audit event in that same transaction (AuditOutbox): a move and
 * its audit event commit together or not at all. Which moves are allowed is {@link Lifecycle}'s business.
 */
@ApplicationScoped
public class PolicyStore {

    /** Refused for who is asking (not the state of the version): PERMISSION_DENIED. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    public static final class InvalidDocument extends RuntimeException {
        public InvalidDocument(String message) {
            super(message);
        }
    }

    private static final int MAX_DOCUMENT_CHARS = 1 << 20;

    private final Pool pool;
    private final AuditOutbox outbox;
    private final AuditOutboxRelay relay;
    private final ObjectMapper json;
    private final Set<String> kinds;
    private final jakarta.enterprise.inject.Instance<DocumentCheck> checks;

    public PolicyStore(Pool pool, AuditOutbox outbox, AuditOutboxRelay relay, ObjectMapper json,
            @ConfigProperty(name = "safeframe.policy-store.kinds") Set<String> kinds,
            jakarta.enterprise.inject.Instance<DocumentCheck> checks) {
        this.checks = checks;
        this.pool = pool;
        this.outbox = outbox;
        this.relay = relay;
        this.json = json;
        this.kinds = Set.copyOf(kinds);
    }

    /** A request's who and why, for the audit chain. */
    public record Actor(String name, String correlationId) {
    }

    public String requireKind(String kind) {
        if (!kinds.contains(kind)) {
            throw new InvalidDocument("unknown policy kind '" + kind + "' (known: " + String.join(", ", kinds) + ")");
        }
        return kind;
    }

    /**
     * The document must be a JSON object (the owning service's parser has checked its schema before it got here, see
     * docs/policy-lifecycle.md); its "version" field, when there is one, is the version's label.
     */
    JsonNode requireDocument(String document) {
        if (document == null || document.isBlank()) {
            throw new InvalidDocument("document is required");
        }
        if (document.length() > MAX_DOCUMENT_CHARS) {
            throw new InvalidDocument("document is larger than " + MAX_DOCUMENT_CHARS + " characters");
        }
        try {
            JsonNode node = json.readTree(document);
            if (node == null || !node.isObject()) {
                throw new InvalidDocument("document must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidDocument("document is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidDocument("a reason is required");
        }
        if (reason.length() > 2000) {
            throw new InvalidDocument("reason is longer than 2000 characters");
        }
        return reason;
    }

    public Uni<StoredVersion> draft(String kind, String document, String reason, Actor actor) {
        requireKind(kind);
        JsonNode node = requireDocument(document);
        requireReason(reason);
        String label = node.path("version").asText("");
        return check(kind, document).chain(() -> pool.withTransaction(conn -> lock(conn, kind)
                .chain(() -> conn.preparedQuery("""
                        insert into policy_version (kind, version, state, document, label, author, reason)
                        select $1, coalesce(max(version), 0) + 1, 'DRAFT', $2, $3, $4, $5 from policy_version where kind = $1
                        returning\s""" + StoredVersion.COLUMNS)
                        .execute(Tuple.of(kind, new JsonObject(node.toString()), label, actor.name(), reason)))
                .map(rows -> StoredVersion.of(rows.iterator().next()))
                .call(v -> recordTransition(conn, v, null, Stage.DRAFT, actor, reason, false, "policy.drafted",
                        Map.of("label", label)))))
                .invoke(relay::sealSoon);
    }

    /** The schema check of a kind policy-service applies itself; other kinds were checked by their owner's loader. */
    private Uni<Void> check(String kind, String document) {
        for (DocumentCheck c : checks) {
            if (c.kind().equals(kind)) {
                return c.check(document);
            }
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * draft → approved. Only a policy reviewer, and never the author: the refusal is itself an audit event, so an
     * attempt to wave one's own rule through is on the record.
     */
    public Uni<StoredVersion> approve(String kind, int version, String reason, boolean actorIsReviewer, Actor actor) {
        requireKind(kind);
        requireReason(reason);
        return pool.withTransaction(conn -> lock(conn, kind).chain(() -> find(conn, kind, version)).chain(v -> {
            if (!actorIsReviewer) {
                throw new Refused("approving a policy version needs the policy_reviewer role");
            }
            if (v.stage() == Stage.LIVE && v.rollbackNeedsReview()) {
                return reviewRollback(conn, v, reason, actor);
            }
            if (v.author().equals(actor.name())) {
                throw new Refused("the author of " + v.target() + " may not approve it; a second reviewer must");
            }
            Lifecycle.check(v.stage(), Stage.APPROVED, Lifecycle.Move.APPROVE);
            return conn.preparedQuery("update policy_version set state = 'APPROVED', approved_by = $3, updated_at = now() "
                    + "where kind = $1 and version = $2").execute(Tuple.of(kind, version, actor.name()))
                    .chain(() -> recordTransition(conn, v, v.stage(), Stage.APPROVED, actor, reason, false,
                            "policy.approved", Map.of("author", v.author())))
                    .chain(() -> find(conn, kind, version));
        })).onFailure(Refused.class).call(f -> outbox.enqueue(pool, AuditEntry.draft(actor.name(), null,
                "policy.approve_refused", "policy:" + kind + "/v" + version, "BLOCK", f.getMessage(), actor.correlationId(),
                null, Map.of("kind", kind, "version", Integer.toString(version)))).invoke(relay::sealSoon))
                .invoke(relay::sealSoon);
    }

    /** The after-the-fact review of an emergency rollback: a reviewer other than whoever rolled back looks at it. */
    private Uni<StoredVersion> reviewRollback(SqlConnection conn, StoredVersion v, String reason, Actor actor) {
        return transitions(conn, v.kind(), v.version()).chain(history -> {
            String rolledBackBy = history.isEmpty() ? null : history.get(history.size() - 1).actor();
            if (actor.name().equals(rolledBackBy)) {
                throw new Refused("whoever rolled back may not review their own rollback");
            }
            return conn.preparedQuery("update policy_version set rollback_needs_review = false, updated_at = now() "
                    + "where kind = $1 and version = $2").execute(Tuple.of(v.kind(), v.version()))
                    .chain(() -> outbox.enqueue(conn, AuditEntry.draft(actor.name(), null, "policy.rollback_reviewed",
                            v.target(), null, reason, actor.correlationId(), null,
                            Map.of("kind", v.kind(), "version", Integer.toString(v.version()), "rolled_back_by",
                                    rolledBackBy == null ? "" : rolledBackBy))))
                    .chain(() -> find(conn, v.kind(), v.version()));
        });
    }

    /** An operator's move (shadow, canary, live, retired). Going live retires the version live until now. */
    public Uni<StoredVersion> transition(String kind, int version, Stage to, String reason, Actor actor) {
        requireKind(kind);
        requireReason(reason);
        return pool.withTransaction(conn -> lock(conn, kind).chain(() -> find(conn, kind, version)).chain(v -> {
            Lifecycle.check(v.stage(), to, Lifecycle.Move.OPERATE);
            Uni<Void> before = Uni.createFrom().voidItem();
            if (to == Stage.LIVE) {
                before = live(conn, kind).chain(current -> current == null ? Uni.createFrom().voidItem()
                        : move(conn, current, Stage.RETIRED, actor, "superseded by v" + version + ": " + reason, false,
                                "policy.transition", ""));
            } else if (to == Stage.SHADOW || to == Stage.CANARY) {
                before = conn.preparedQuery("select version from policy_version where kind = $1 and state = $2")
                        .execute(Tuple.of(kind, to.name())).invoke(rows -> {
                            if (rows.iterator().hasNext()) {
                                throw new Lifecycle.IllegalMove("v" + rows.iterator().next().getInteger("version") + " is already in "
                                        + to.name().toLowerCase() + "; retire it or promote it first");
                            }
                        }).replaceWithVoid();
            }
            return before.chain(() -> move(conn, v, to, actor, reason, false, "policy.transition",
                    to == Stage.LIVE ? ", live_since = now()" : ""))
                    .chain(() -> find(conn, kind, version));
        })).invoke(relay::sealSoon);
    }

    /**
     * The canary stop rule's move: the version in canary retires, audited as {@code policy.canary_stopped} with the
     * finding as its reason. Only a version in canary now: a stale finding about a promoted or retired one is refused.
     */
    public Uni<StoredVersion> stopCanary(String kind, int version, String reason, Actor actor) {
        requireKind(kind);
        requireReason(reason);
        return pool.withTransaction(conn -> lock(conn, kind).chain(() -> find(conn, kind, version)).chain(v -> {
            if (v.stage() != Stage.CANARY) {
                throw new Lifecycle.IllegalMove("v" + version + " is " + v.stage().name().toLowerCase() + ", not in canary");
            }
            // the finding is also kept with the version as an evaluation, beside what the backtests measured
            return move(conn, v, Stage.RETIRED, actor, reason, false, "policy.canary_stopped", "")
                    .chain(() -> PolicyEvaluations.insert(conn, kind, version, "canary-stopped", reason,
                            json.createObjectNode().put("finding", reason), actor.name()))
                    .chain(() -> find(conn, kind, version));
        })).invoke(relay::sealSoon);
    }

    /**
     * Emergency rollback in one step: the live version retires (never to be a rollback target again) and the version
     * that was live most recently before it is live again. Flagged until a reviewer has looked at it afterwards.
     */
    public Uni<StoredVersion> rollback(String kind, String reason, Actor actor) {
        requireKind(kind);
        requireReason(reason);
        return pool.withTransaction(conn -> lock(conn, kind).chain(() -> live(conn, kind)).chain(current -> {
            if (current == null) {
                throw new Lifecycle.IllegalMove("no live " + kind + " policy to roll back");
            }
            return conn.preparedQuery("select " + StoredVersion.COLUMNS + " from policy_version where kind = $1 and "
                    + "state = 'RETIRED' and live_since is not null and not rolled_back and version <> $2 "
                    + "order by live_since desc limit 1").execute(Tuple.of(kind, current.version())).chain(rows -> {
                        if (!rows.iterator().hasNext()) {
                            throw new Lifecycle.IllegalMove("no earlier live " + kind + " version to roll back to");
                        }
                        StoredVersion previous = StoredVersion.of(rows.iterator().next());
                        Lifecycle.check(current.stage(), Stage.RETIRED, Lifecycle.Move.ROLLBACK);
                        Lifecycle.check(previous.stage(), Stage.LIVE, Lifecycle.Move.ROLLBACK);
                        return move(conn, current, Stage.RETIRED, actor, reason, true, "policy.rollback",
                                ", rolled_back = true")
                                .chain(() -> move(conn, previous, Stage.LIVE, actor, reason, true, "policy.rollback",
                                        ", live_since = now(), rollback_needs_review = true"))
                                .chain(() -> find(conn, kind, previous.version()));
                    });
        })).invoke(relay::sealSoon);
    }

    /**
     * The owning service's built-in document as version 1, live, when the kind has nothing yet (first start against an
     * empty store). Otherwise nothing changes and the answer is the live version (or null when there is none).
     */
    public Uni<StoredVersion> seed(String kind, String document, Actor actor) {
        requireKind(kind);
        JsonNode node = requireDocument(document);
        String label = node.path("version").asText("");
        String reason = "seeded from " + actor.name() + "'s built-in policy";
        // seeds only a kind with no live version; usually an empty one (version 1), but drafts made before the service
        // that applies the kind ever started must not keep it from starting: the seed then takes the next number
        return pool.withTransaction(conn -> lock(conn, kind)
                .chain(() -> live(conn, kind))
                .chain(live -> {
                    if (live != null) {
                        return Uni.createFrom().item(live);
                    }
                    return conn.preparedQuery("insert into policy_version (kind, version, state, document, label, author, reason, live_since)"
                            + " values ($1, (select coalesce(max(version), 0) + 1 from policy_version where kind = $1), 'LIVE', $2, $3, $4, $5,"
                            + " now()) returning " + StoredVersion.COLUMNS)
                            .execute(Tuple.of(kind, new JsonObject(node.toString()), label, actor.name(), reason))
                            .map(inserted -> StoredVersion.of(inserted.iterator().next()))
                            .call(v -> recordTransition(conn, v, null, Stage.LIVE, actor, reason, false, "policy.seeded",
                                    Map.of("label", label)));
                })).invoke(relay::sealSoon);
    }

    public Uni<List<StoredVersion>> list(String kind) {
        requireKind(kind);
        return pool.preparedQuery("select " + StoredVersion.COLUMNS + " from policy_version where kind = $1 order by version desc")
                .execute(Tuple.of(kind)).map(rows -> {
                    List<StoredVersion> out = new ArrayList<>();
                    rows.forEach(r -> out.add(StoredVersion.of(r)));
                    return out;
                });
    }

    /** One version with its history. */
    public Uni<StoredVersion> get(String kind, int version) {
        requireKind(kind);
        return pool.withConnection(conn -> find(conn, kind, version)
                .chain(v -> transitions(conn, kind, version).map(v::withHistory)));
    }

    /** The live version of a kind, or null. */
    public Uni<StoredVersion> live(String kind) {
        requireKind(kind);
        return pool.withConnection(conn -> live(conn, kind));
    }

    /** The version of a kind in a single-holder stage (live, shadow, canary), or null. */
    public Uni<StoredVersion> inStage(String kind, Stage stage) {
        requireKind(kind);
        return pool.preparedQuery("select " + StoredVersion.COLUMNS + " from policy_version where kind = $1 and state = $2")
                .execute(Tuple.of(kind, stage.name())).map(rows -> rows.iterator().hasNext() ? StoredVersion.of(rows.iterator().next()) : null);
    }

    private Uni<StoredVersion> live(SqlConnection conn, String kind) {
        return conn.preparedQuery("select " + StoredVersion.COLUMNS + " from policy_version where kind = $1 and state = 'LIVE'")
                .execute(Tuple.of(kind)).map(rows -> rows.iterator().hasNext() ? StoredVersion.of(rows.iterator().next()) : null);
    }

    /** One version without its history, inside the caller's transaction; NotFound when there is none. */
    Uni<StoredVersion> find(SqlConnection conn, String kind, int version) {
        return conn.preparedQuery("select " + StoredVersion.COLUMNS + " from policy_version where kind = $1 and version = $2")
                .execute(Tuple.of(kind, version)).map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new NotFound("no " + kind + " policy version " + version);
                    }
                    return StoredVersion.of(rows.iterator().next());
                });
    }

    private Uni<List<StoredVersion.Transition>> transitions(SqlConnection conn, String kind, int version) {
        return conn.preparedQuery("select from_state, to_state, actor, reason, at, emergency from policy_transition "
                + "where kind = $1 and version = $2 order by id").execute(Tuple.of(kind, version)).map(rows -> {
                    List<StoredVersion.Transition> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(StoredVersion.Transition.of(r));
                    }
                    return out;
                });
    }

    /** Changes the state (plus {@code extraSet}, trusted SQL from this class) and records the move. */
    private Uni<Void> move(SqlConnection conn, StoredVersion v, Stage to, Actor actor, String reason, boolean emergency,
            String action, String extraSet) {
        return conn.preparedQuery("update policy_version set state = $3, updated_at = now()" + extraSet
                + " where kind = $1 and version = $2").execute(Tuple.of(v.kind(), v.version(), to.name()))
                .chain(() -> recordTransition(conn, v, v.stage(), to, actor, reason, emergency, action,
                        emergency ? Map.of("emergency", "true", "needs_review", "true") : Map.of()));
    }

    private Uni<Void> recordTransition(SqlConnection conn, StoredVersion v, Stage from, Stage to, Actor actor, String reason,
            boolean emergency, String action, Map<String, String> extra) {
        Map<String, String> attributes = new java.util.TreeMap<>(extra);
        attributes.put("kind", v.kind());
        attributes.put("version", Integer.toString(v.version()));
        attributes.put("from", from == null ? "" : from.name());
        attributes.put("to", to.name());
        return conn.preparedQuery("insert into policy_transition (kind, version, from_state, to_state, actor, reason, emergency) "
                + "values ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(new Object[] { v.kind(), v.version(), from == null ? null : from.name(), to.name(),
                        actor.name(), reason, emergency }))
                .chain(() -> outbox.enqueue(conn, AuditEntry.draft(actor.name(), null, action, v.target(), null, reason,
                        actor.correlationId(), null, attributes)));
    }

    private static Uni<Void> lock(SqlConnection conn, String kind) {
        return conn.preparedQuery("select pg_advisory_xact_lock(hashtext('policy_version:' || $1))").execute(Tuple.of(kind))
                .replaceWithVoid();
    }
}
