package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The concurrency proof over real gRPC and PostgreSQL: 50 moderators drain one queue of 1,000 cases;
 * every case is decided exactly once, and the case a crashed moderator held comes back when its lease ends.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class ModeratorQueueTest {

    static final String QUEUE = "spam_scam";
    static final int CASES = 1000;
    static final int MODERATORS = 50;

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    @Test
    void fiftyModeratorsHandleAThousandCasesExactlyOnceAndAnExpiredLeaseComesBack() throws Exception {
        ExecutorService seeders = Executors.newFixedThreadPool(8);
        List<Future<io.safeframe.api.v1.CaseRef>> seeded = IntStream.range(0, CASES)
                .mapToObj(i -> seeders.submit(() -> Fixtures.enqueue(reports, "bulk-" + i, QUEUE, 0.3 + (i % 7) / 10.0))).toList();
        for (Future<io.safeframe.api.v1.CaseRef> f : seeded) {
            f.get();
        }
        seeders.shutdown();

        // the queue's listing is the claim order: what it puts first is what a claim takes, and it is sorted
        List<CaseDetail> listed = reports.listCases(io.safeframe.api.v1.CasesRequest.newBuilder().setQueue(QUEUE).setLimit(200).build())
                .getCasesList();
        assertEquals(200, listed.size());
        for (int i = 1; i < listed.size(); i++) {
            assertTrue(listed.get(i - 1).getRef().getPriority() >= listed.get(i).getRef().getPriority(), "sorted at " + i);
        }

        // a moderator claims with a 2 s lease and "crashes": never decides, never releases
        CaseDetail abandoned = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("crashed-mod"))
                .setQueue(QUEUE).setLeaseSeconds(2).build());
        assertEquals(listed.get(0).getRef().getCaseId(), abandoned.getRef().getCaseId(), "the listing's first case is the one claimed");

        Map<String, String> decidedBy = new ConcurrentHashMap<>();
        AtomicInteger doubleHandled = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        ExecutorService moderators = Executors.newFixedThreadPool(MODERATORS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        long started = System.nanoTime();
        for (int m = 0; m < MODERATORS; m++) {
            String name = "mod-" + m;
            RequestContext ctx = Fixtures.actor(name);
            moderators.submit(() -> {
                while (decidedBy.size() < CASES && System.nanoTime() < deadline) {
                    CaseDetail claimed;
                    try {
                        claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(ctx).setQueue(QUEUE).setLeaseSeconds(60).build());
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                            unexpected.incrementAndGet();
                        }
                        sleep(200);
                        continue;
                    }
                    try {
                        reports.decide(DecideRequest.newBuilder().setContext(ctx).setCaseId(claimed.getRef().getCaseId())
                                .setAction(Action.NO_ACTION).setCaseVersion(claimed.getRef().getVersion())
                                .setStatement(StatementOfReasons.newBuilder().setFacts("bulk review").setGround("no violation")).build());
                        if (decidedBy.putIfAbsent(claimed.getRef().getCaseId(), name) != null) {
                            doubleHandled.incrementAndGet();
                        }
                    } catch (StatusRuntimeException e) {
                        unexpected.incrementAndGet();
                    }
                }
            });
        }
        moderators.shutdown();
        assertTrue(moderators.awaitTermination(300, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("queue drain: %d cases by %d moderators in %.1f s (%.0f claim+decide/s)%n", CASES, MODERATORS, seconds, CASES / seconds);

        assertEquals(CASES, decidedBy.size(), "every case decided");
        assertEquals(0, doubleHandled.get(), "no case decided twice");
        assertEquals(0, unexpected.get(), "no claim or decision failed");
        assertTrue(decidedBy.containsKey(abandoned.getRef().getCaseId()), "the abandoned case came back");
        assertNotEquals("crashed-mod", decidedBy.get(abandoned.getRef().getCaseId()));

        var counts = pool.preparedQuery("""
                select count(*) filter (where c.state = 'DECIDED') as decided, count(d.decision_id) as decisions,
                       count(distinct d.case_id) as distinct_cases
                from report_case c left join decision d on d.case_id = c.case_id where c.queue = $1""")
                .execute(Tuple.of(QUEUE)).await().indefinitely().iterator().next();
        assertEquals(CASES, counts.getLong("decided"));
        assertEquals(CASES, counts.getLong("decisions"));
        assertEquals(CASES, counts.getLong("distinct_cases"));
        long claims = pool.preparedQuery("select claim_count from report_case where case_id = $1")
                .execute(Tuple.of(java.util.UUID.fromString(abandoned.getRef().getCaseId()))).await().indefinitely()
                .iterator().next().getInteger("claim_count");
        assertEquals(2, claims, "claimed by the crashed moderator, then once more");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
