package io.safeframe.policy.audit;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The durable enqueue in front of the audit chain, for events recorded on a caller's critical path (Authorize,
 * RecordAudit): the draft is inserted in one statement, in the decision's own transaction where there is one, and
 * {@link #sealPending()} (driven by the policy package's AuditOutboxRelay) chains it moments later. Appending directly would make every caller wait for the chain's one
 * lock and its transaction.
 */
@ApplicationScoped
public class AuditOutbox {

    private static final int BATCH = 500;

    private final AuditLog log;
    private final ObjectMapper json;

    public AuditOutbox(AuditLog log, ObjectMapper json) {
        this.log = log;
        this.json = json;
    }

    /** Adds the draft to the outbox: within the caller's transaction when given a connection, else on its own. */
    public Uni<Void> enqueue(SqlClient conn, AuditEntry draft) {
        return conn.preparedQuery("insert into audit_outbox (draft) values ($1)").execute(Tuple.of(row(draft))).replaceWithVoid();
    }

    /**
     * Runs {@code statement} (an INSERT, UPDATE or DELETE with parameters $1..$n = {@code args}) and enqueues the draft
     * in the same statement: the decision and its audit event in one round trip.
     */
    public Uni<Void> enqueueWith(SqlClient conn, String statement, Object[] args, AuditEntry draft) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = row(draft);
        return conn.preparedQuery("with decided as (" + statement + ") insert into audit_outbox (draft) values ($"
                + all.length + ")").execute(Tuple.from(all)).replaceWithVoid();
    }

    private JsonObject row(AuditEntry draft) {
        try {
            return new JsonObject(json.writeValueAsString(draft));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit draft not serialisable", e);
        }
    }

    /**
     * Seals everything waiting, in enqueue order, batch by batch, and returns what it sealed. Several sealers at once
     * are safe: the chain's lock orders them and each row leaves the outbox in the transaction that sealed it, so
     * nothing is sealed twice.
     */
    public Uni<List<AuditEntry>> sealPending() {
        List<AuditEntry> all = new ArrayList<>();
        return sealInto(all).replaceWith(all);
    }

    private Uni<Void> sealInto(List<AuditEntry> all) {
        return log.sealOutbox(BATCH).chain(sealed -> {
            all.addAll(sealed);
            return sealed.size() < BATCH ? Uni.createFrom().voidItem() : sealInto(all);
        });
    }

    static AuditEntry draftOf(ObjectMapper json, JsonObject row) {
        try {
            return json.readValue(row.encode(), AuditEntry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable audit draft in the outbox", e);
        }
    }
}
