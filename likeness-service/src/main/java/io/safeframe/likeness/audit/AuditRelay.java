package io.safeframe.likeness.audit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records the outbox's consent events in policy-service's audit chain, strictly in order (a revocation never lands
 * before the grant it revokes), one relay at a time across replicas (transaction-scoped advisory lock). The first
 * failure stops the round and backs off; the event is retried until policy-service takes it (at least once: a lost
 * reply can record an event twice, which the chain tolerates as a repeated line). An event policy-service refuses as
 * malformed is kept, marked, and passed over instead of blocking every later one. Each event keeps its owner as
 * actor: policy-service lets this service relay the actor for RecordAudit.
 */
@ApplicationScoped
public class AuditRelay {

    private static final Logger LOG = Logger.getLogger(AuditRelay.class);
    private static final long RELAY_LOCK = 0x5AFE11CE0AL;
    private static final int BATCH = 200;

    private final Pool pool;

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    public AuditRelay(Pool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "${safeframe.likeness.audit-relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return deliverPending().replaceWithVoid().onFailure().recoverWithNull();
    }

    /**
     * After a consent change: wait briefly for a relay round, so that while policy-service is up the caller's answer
     * comes after the event is in the chain (as before the outbox). Never fails: the change is committed either way.
     */
    public Uni<Void> deliverSoon() {
        return deliverPending().onFailure().recoverWithItem(Boolean.FALSE)
                .repeat().withDelay(Duration.ofMillis(50)).until(ran -> ran).collect().last()
                .ifNoItem().after(Duration.ofSeconds(3)).recoverWithItem(Boolean.FALSE).replaceWithVoid();
    }

    /** Delivers what is due; false when another relay holds the lock (its round delivers), true when this one ran. */
    public Uni<Boolean> deliverPending() {
        return pool.withTransaction(conn -> conn.query("select pg_try_advisory_xact_lock(" + RELAY_LOCK + ") as locked").execute()
                .chain(rows -> rows.iterator().next().getBoolean("locked")
                        ? deliverBatch(conn).replaceWith(Boolean.TRUE)
                        : Uni.createFrom().item(Boolean.FALSE)));
    }

    private Uni<Void> deliverBatch(SqlConnection conn) {
        return conn.preparedQuery("""
                select id, event, next_attempt_at <= now() as due from audit_outbox
                where delivered_at is null order by id limit $1""").execute(Tuple.of(BATCH))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> deliver(conn, row))
                        .collect().last())
                .replaceWithVoid()
                .onFailure(Stop.class).recoverWithNull();
    }

    /** Ends a round at the first event that is not due or not delivered, so none overtakes an earlier one. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private Uni<Void> deliver(SqlConnection conn, Row row) {
        long id = row.getLong("id");
        if (!row.getBoolean("due")) {
            return Uni.createFrom().failure(new Stop());
        }
        return record(row.getBuffer("event").getBytes())
                .chain(() -> conn.preparedQuery("update audit_outbox set delivered_at = now(), attempts = attempts + 1 where id = $1")
                        .execute(Tuple.of(id)).replaceWithVoid())
                .onFailure(AuditRelay::permanent).recoverWithUni(f -> {
                    LOG.errorf("audit outbox entry %d refused by policy-service: %s", id, f.getMessage());
                    return conn.preparedQuery("update audit_outbox set delivered_at = now(), attempts = attempts + 1, last_error = $2 where id = $1")
                            .execute(Tuple.of(id, "refused: " + f.getMessage())).replaceWithVoid();
                })
                .onFailure(f -> !(f instanceof Stop)).call(f -> {
                    LOG.warnf("audit outbox entry %d not recorded yet (%s); retrying with back-off", id, f.toString());
                    return conn.preparedQuery("""
                            update audit_outbox set attempts = attempts + 1, last_error = $2,
                                next_attempt_at = now() + make_interval(secs => least(60, power(2, attempts)) / 4.0)
                            where id = $1""").execute(Tuple.of(id, String.valueOf(f.getMessage())));
                })
                .onFailure(f -> !(f instanceof Stop)).transform(f -> new Stop());
    }

    private Uni<Void> record(byte[] event) {
        try {
            // a deadline per call (a stub-level deadline would be one fixed instant for the stub's whole life)
            return policy.withDeadlineAfter(3, TimeUnit.SECONDS).recordAudit(AuditEvent.parseFrom(event)).replaceWithVoid();
        } catch (InvalidProtocolBufferException e) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription("stored event unreadable").asRuntimeException());
        }
    }

    private static boolean permanent(Throwable f) {
        if (f instanceof StatusRuntimeException sre) {
            Status.Code code = sre.getStatus().getCode();
            return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.FAILED_PRECONDITION;
        }
        return false;
    }
}
