package io.safeframe.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
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
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * Throughput benchmark, run by bench/report-load (not by the test command): report intake with 32 concurrent
 * reporters for a fixed time (a quarter of them pile onto the same popular targets, so merging is exercised),
 * then 32 moderators claiming and deciding until the queues are empty. Prints rates and latency percentiles.
 */
@QuarkusTest
@Tag("bench")
@QuarkusTestResource(PolicyServiceProcess.class)
class ReportLoadBench {

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    static final String[] CATEGORIES = { "violence_gore", "hate_harassment", "sexual", "spam_scam", "other", "weapons" };

    @Test
    void intakeThenClaimAndDecide() throws Exception {
        int reporters = Integer.getInteger("bench.reporters", 32);
        int seconds = Integer.getInteger("bench.seconds", 30);
        ConcurrentLinkedQueue<Long> intakeNanos = new ConcurrentLinkedQueue<>();
        AtomicInteger merged = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(reporters);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long started = System.nanoTime();
        for (int r = 0; r < reporters; r++) {
            String reporter = "bench-reporter-" + r;
            int seed = r;
            pool.submit(() -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    i++;
                    // every 4th report targets one of 50 popular videos (merges); the rest are new targets
                    String target = (i % 4 == 0) ? "popular-" + (i * 31 + seed) % 50 + "-" + reporter.hashCode() % 3 : "v-" + UUID.randomUUID();
                    long t0 = System.nanoTime();
                    try {
                        var ref = reports.fileReport(Fixtures.report(reporter + "-" + (i / 15), Fixtures.content(target, "owner-" + (i % 97)),
                                CATEGORIES[(i + seed) % CATEGORIES.length]).build());
                        intakeNanos.add(System.nanoTime() - t0);
                        if (ref.getMerged()) {
                            merged.incrementAndGet();
                        }
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                            errors.incrementAndGet();
                        }
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60, TimeUnit.SECONDS);
        double intakeSeconds = (System.nanoTime() - started) / 1e9;
        print("intake", intakeNanos, intakeSeconds);
        System.out.printf("intake: merged into open cases %d, errors %d%n", merged.get(), errors.get());

        ConcurrentLinkedQueue<Long> claimNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> decideNanos = new ConcurrentLinkedQueue<>();
        AtomicInteger decideErrors = new AtomicInteger();
        ExecutorService moderators = Executors.newFixedThreadPool(reporters);
        long drainStart = System.nanoTime();
        for (int m = 0; m < reporters; m++) {
            var ctx = Fixtures.actor("bench-mod-" + m);
            moderators.submit(() -> {
                while (true) {
                    long t0 = System.nanoTime();
                    CaseDetail c;
                    try {
                        c = reports.claimNext(ClaimRequest.newBuilder().setContext(ctx).build());
                    } catch (StatusRuntimeException e) {
                        return;
                    }
                    claimNanos.add(System.nanoTime() - t0);
                    long t1 = System.nanoTime();
                    try {
                        reports.decide(DecideRequest.newBuilder().setContext(ctx).setCaseId(c.getRef().getCaseId())
                                .setCaseVersion(c.getRef().getVersion()).setAction(Action.REMOVE_CONTENT)
                                .setStatement(StatementOfReasons.newBuilder().setFacts("bench").setGround("ToS")).build());
                        decideNanos.add(System.nanoTime() - t1);
                    } catch (StatusRuntimeException e) {
                        decideErrors.incrementAndGet();
                    }
                }
            });
        }
        moderators.shutdown();
        moderators.awaitTermination(600, TimeUnit.SECONDS);
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        print("claim", claimNanos, drainSeconds);
        print("decide", decideNanos, drainSeconds);
        System.out.printf("claim+decide: %d cases in %.1f s = %.0f cases/s, decide errors %d%n", decideNanos.size(), drainSeconds,
                decideNanos.size() / drainSeconds, decideErrors.get());
    }

    private static void print(String what, ConcurrentLinkedQueue<Long> nanos, double seconds) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.println(what + ": no samples");
            return;
        }
        System.out.printf("%s: %d calls in %.1f s = %.0f/s; p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", what, sorted.size(), seconds,
                sorted.size() / seconds, sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }
}
