package io.safeframe.policy.audit;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The durable enqueue in front of the audit chain, for events recorded on a caller's critical path (Authorize,
 * RecordAudit): the draft is inserted in one statement, in the decision's own transaction where there is one, and
 * {@link #sealPending()} chains it moments later. Appending directly would make every caller wait for the chain's one
 * lock and its transaction.
 */
@ApplicationScoped
public class AuditOutbox {

    private static final int BATCH = 500;
    private static final Logger LOG = Logger.getLogger(AuditOutbox.class);

    private final AuditLog log;
    private final ObjectMapper json;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();

    public AuditOutbox(AuditLog log, ObjectMapper json) {
        this.log = log;
        this.json = json;
    }

    /** Adds the draft to the outbox: within the caller's transaction when given a connection, else on its own. */
    public Uni<Void> enqueue(SqlClient conn, AuditEntry draft) {
        JsonObject row;
        try {
            row = new JsonObject(json.writeValueAsString(draft));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("audit draft not serialisable", e));
        }
        return conn.preparedQuery("insert into audit_outbox (draft) values ($1)").execute(Tuple.of(row)).replaceWithVoid();
    }

    /** Events were enqueued: seal them now rather than at the next tick, off the caller's path; one run at a time. */
    public void sealSoon() {
        requested.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        requested.set(false);
        sealNow().subscribe().with(ok -> finished(), failure -> {
            LOG.warnf("audit outbox not sealed yet (retried): %s", failure.toString());
            finished();
        });
    }

    private void finished() {
        running.set(false);
        if (requested.get()) {
            sealSoon();
        }
    }

    /** The safety net: another replica's events, or a run that failed. */
    @Scheduled(every = "${safeframe.audit.outbox-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        sealSoon();
    }

    /**
     * Seals everything waiting, in enqueue order, batch by batch; completes when done. Readers of the log call it
     * first, so they see every event recorded before their read. Several sealers at once are safe: the chain's lock
     * orders them and each row leaves the outbox in the transaction that sealed it, so nothing is sealed twice.
     */
    public Uni<Void> sealNow() {
        return log.sealOutbox(BATCH).chain(sealed -> sealed.size() < BATCH ? Uni.createFrom().voidItem() : sealNow());
    }

    static AuditEntry draftOf(ObjectMapper json, JsonObject row) {
        try {
            return json.readValue(row.encode(), AuditEntry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable audit draft in the outbox", e);
        }
    }
}
