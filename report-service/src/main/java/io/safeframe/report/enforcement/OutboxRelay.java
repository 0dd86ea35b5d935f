package io.safeframe.report.enforcement;

import java.time.Duration;

import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.SanctionRequest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Delivers the outbox to policy-service strictly in order (a lift must never overtake the suspension it
 * lifts), one relay at a time across replicas (transaction-scoped advisory lock). The first failure stops
 * the round and backs off; the entry is retried until policy-service takes it. Delivery is at-least-once:
 * a lost reply can repeat a call, which policy-service tolerates (a repeated sanction re-states the state).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long RELAY_LOCK = 0x5AFEF7A3E0L;
    private static final int BATCH = 200;

    private final Pool pool;

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    public OutboxRelay(Pool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return deliverPending().replaceWithVoid().onFailure().recoverWithNull();
    }

    /**
     * Delivers what is due. Returns false when another relay holds the lock (its round will deliver), true
     * when this call ran a round.
     */
    public Uni<Boolean> deliverPending() {
        return pool.withTransaction(conn -> conn.query("select pg_try_advisory_xact_lock(" + RELAY_LOCK + ") as locked").execute()
                .chain(rows -> rows.iterator().next().getBoolean("locked")
                        ? deliverBatch(conn).replaceWith(Boolean.TRUE)
                        : Uni.createFrom().item(Boolean.FALSE)));
    }

    /** After a decision: wait (briefly) until a relay round has run, so the caller sees the sanction applied. */
    public Uni<Void> deliverSoon() {
        return deliverPending().onFailure().recoverWithItem(Boolean.FALSE)
                .repeat().withDelay(Duration.ofMillis(50)).until(ran -> ran).collect().last()
                .ifNoItem().after(Duration.ofSeconds(3)).recoverWithItem(Boolean.FALSE).replaceWithVoid();
    }

    private Uni<Void> deliverBatch(SqlConnection conn) {
        return conn.preparedQuery("""
                select id, kind, payload, next_attempt_at <= now() as due from outbox
                where delivered_at is null order by id limit $1""").execute(Tuple.of(BATCH))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> deliver(conn, row))
                        .collect().last())
                .replaceWithVoid()
                .onFailure(Stop.class).recoverWithNull();
    }

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
        return call(row.getString("kind"), row.getBuffer("payload").getBytes())
                .chain(() -> conn.preparedQuery("update outbox set delivered_at = now(), attempts = attempts + 1 where id = $1")
                        .execute(Tuple.of(id)).replaceWithVoid())
                // policy-service refused the call itself: retrying cannot help, so it is dead-lettered (kept,
                // marked) instead of blocking everything behind it
                .onFailure(OutboxRelay::permanent).recoverWithUni(f -> {
                    LOG.errorf("outbox entry %d refused by policy-service: %s", id, f.getMessage());
                    return conn.preparedQuery("update outbox set delivered_at = now(), attempts = attempts + 1, last_error = $2 where id = $1")
                            .execute(Tuple.of(id, "refused: " + f.getMessage())).replaceWithVoid();
                })
                .onFailure(f -> !(f instanceof Stop)).call(f -> {
                    LOG.warnf("outbox entry %d not delivered (%s); retrying with back-off", id, f.toString());
                    return conn.preparedQuery("""
                            update outbox set attempts = attempts + 1, last_error = $2,
                                next_attempt_at = now() + make_interval(secs => least(60, power(2, attempts)) / 4.0)
                            where id = $1""").execute(Tuple.of(id, String.valueOf(f.getMessage())));
                })
                .onFailure(f -> !(f instanceof Stop)).transform(f -> new Stop());
    }

    private static boolean permanent(Throwable f) {
        if (f instanceof io.grpc.StatusRuntimeException sre) {
            io.grpc.Status.Code code = sre.getStatus().getCode();
            return code == io.grpc.Status.Code.INVALID_ARGUMENT || code == io.grpc.Status.Code.FAILED_PRECONDITION
                    || code == io.grpc.Status.Code.NOT_FOUND;
        }
        return false;
    }

    private Uni<?> call(String kind, byte[] payload) {
        // a deadline per call (a stub-level deadline would be one fixed instant for the stub's whole life)
        MutinyPolicyServiceStub policy = this.policy.withDeadlineAfter(3, java.util.concurrent.TimeUnit.SECONDS);
        try {
            return switch (kind) {
                case "AUDIT" -> policy.recordAudit(AuditEvent.parseFrom(payload));
                case "SANCTION" -> policy.applySanction(SanctionRequest.parseFrom(payload));
                case "LIFT" -> policy.liftSanction(LiftSanctionRequest.parseFrom(payload));
                default -> Uni.createFrom().failure(new IllegalStateException("unknown outbox kind " + kind));
            };
        } catch (InvalidProtocolBufferException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
