package io.safeframe.policy.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.policy.tier.UsagePolicies;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;

/**
 * Two "replicas" on one database: half the calls go through the running service's gRPC edge (its own pool),
 * half through a second ledger on a separate connection pool, all at once. Exactly N may be granted.
 */
@QuarkusTest
class QuotaExactnessTest {

    private static final int CALLS = 2_000;
    private static final int QUOTA = 137; // %test.safeframe.tiers.exact.generations-per-day

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    Pool pool;

    @Inject
    UsagePolicies policies;

    @Inject
    Vertx vertx;

    @Inject
    io.safeframe.policy.audit.AuditOutbox outbox;

    @Inject
    io.safeframe.policy.tier.TierCatalogue tiers;

    @Test
    void twoReplicasNeverOverGrant() throws InterruptedException {
        String account = "exact-" + UUID.randomUUID();
        pool.preparedQuery("insert into account (account_id, tier) values ($1, 'exact')").execute(Tuple.of(account))
                .await().atMost(Duration.ofSeconds(10));

        Pool secondPool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(20))
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(5432)
                        .setDatabase("safeframe_policy_test").setUser("postgres"))
                .using(vertx).build();
        QuotaLedger secondReplica = new QuotaLedger(secondPool, policies, tiers, outbox);
        try {
            AtomicInteger granted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Uni<Boolean>> calls = new ArrayList<>(CALLS);
            for (int i = 0; i < CALLS; i++) {
                if (i % 2 == 0) {
                    calls.add(policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(5)
                            .setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("c" + i))
                            .build()).map(r -> r.getGranted()));
                } else {
                    calls.add(secondReplica.reserve(account, 5, null, null, "c" + i, r -> io.safeframe.policy.audit.AuditEntry.draft(
                            "second-replica", account, "generation.authorize", r.reservationId(), r.granted() ? "ALLOW" : "BLOCK",
                            r.reason(), "c", null, java.util.Map.of())).map(Reservation::granted));
                }
            }
            Uni.join().all(calls).andCollectFailures().await().atMost(Duration.ofMinutes(3))
                    .forEach(ok -> (ok ? granted : refused).incrementAndGet());

            assertEquals(QUOTA, granted.get(), "granted");
            assertEquals(CALLS - QUOTA, refused.get(), "refused");
            int used = pool.preparedQuery("select used from quota_day where account_id = $1").execute(Tuple.of(account))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getInteger("used");
            assertEquals(QUOTA, used, "the day counter agrees with the grants");
            long reservations = pool.preparedQuery("select count(*) as n from reservation where account_id = $1")
                    .execute(Tuple.of(account)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
            assertEquals(QUOTA, reservations, "one reservation row per grant, none from refused calls");
            // every decision, refusals included, is audited exactly once: enqueued in its own transaction, then
            // chained by the relay (within seconds, off the callers' path)
            long audited = 0;
            for (int attempt = 0; attempt < 60 && audited < CALLS; attempt++) {
                Thread.sleep(500);
                audited = pool.preparedQuery("select count(*) as n from audit_event where account_id = $1 and action = 'generation.authorize'")
                        .execute(Tuple.of(account)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
            }
            assertEquals(CALLS, audited, "one audit event per Authorize");
            long waiting = pool.preparedQuery("select count(*) as n from audit_outbox where draft->>'accountId' = $1")
                    .execute(Tuple.of(account)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
            assertEquals(0, waiting, "nothing left behind in the outbox");
        } finally {
            secondPool.close().await().atMost(Duration.ofSeconds(10));
        }
    }
}
