package io.safeframe.policy.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Load benchmark over real gRPC and PostgreSQL, not part of the test command:
 * {@code ./mvnw -pl policy-service verify -DexcludedGroups=none -Dgroups=bench}. Prints throughput and latency
 * percentiles; asserts nothing about speed (machines are noisy), only that every call succeeded.
 */
@QuarkusTest
@Tag("bench")
class PolicyLoadBenchTest {

    private static final int CALLERS = 200;
    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final Duration MEASURE = Duration.ofSeconds(20);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    Pool pool;

    @Test
    void authorizeAt200ConcurrentCallers() {
        String run = Long.toString(System.nanoTime(), 36);
        for (int c = 0; c < CALLERS; c++) {
            pool.preparedQuery("insert into account (account_id, tier) values ($1, 'internal')")
                    .execute(Tuple.of("bench-" + run + "-" + c)).await().atMost(Duration.ofSeconds(5));
        }
        report("Authorize (200 callers, one account each, internal tier)", caller -> () -> policy.authorize(
                AuthorizeRequest.newBuilder().setVideoSeconds(5)
                        .setContext(RequestContext.newBuilder().setAccountId("bench-" + run + "-" + caller).setCorrelationId("b"))
                        .build()).subscribeAsCompletionStage());
        report("Authorize (200 callers, ONE shared account: row-lock contention)", caller -> () -> policy.authorize(
                AuthorizeRequest.newBuilder().setVideoSeconds(5)
                        .setContext(RequestContext.newBuilder().setAccountId("bench-" + run + "-0").setCorrelationId("b"))
                        .build()).subscribeAsCompletionStage());
    }

    @Test
    void auditAppendAt200ConcurrentCallers() {
        report("RecordAudit (200 callers, hash-chained appends)", caller -> () -> policy.recordAudit(
                AuditEvent.newBuilder().setAction("bench.event").setDecision(Decision.ALLOW).setReason("benchmark")
                        .setPromptToHash("a prompt to hash")
                        .setContext(RequestContext.newBuilder().setAccountId("audit-bench-" + caller).setCorrelationId("b"))
                        .build()).subscribeAsCompletionStage());
    }

    interface CallFactory {
        Supplier<CompletableFuture<?>> forCaller(int caller);
    }

    private static void report(String name, CallFactory calls) {
        run(calls, WARMUP, new ConcurrentLinkedQueue<>(), new AtomicLong());
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        run(calls, MEASURE, latencies, failures);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "BENCH %-62s %8.0f calls/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  n=%d failures=%d%n",
                name, sorted.length / seconds, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6, sorted.length, failures.get());
        if (failures.get() > 0) {
            throw new AssertionError(failures.get() + " calls failed");
        }
    }

    private static void run(CallFactory calls, Duration duration, ConcurrentLinkedQueue<Long> latencies, AtomicLong failures) {
        long end = System.nanoTime() + duration.toNanos();
        CompletableFuture<?>[] loops = new CompletableFuture<?>[CALLERS];
        for (int c = 0; c < CALLERS; c++) {
            loops[c] = loop(calls.forCaller(c), end, latencies, failures);
        }
        CompletableFuture.allOf(loops).join();
        Arrays.fill(loops, null);
    }

    private static CompletableFuture<Void> loop(Supplier<CompletableFuture<?>> call, long end,
            ConcurrentLinkedQueue<Long> latencies, AtomicLong failures) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        long t0 = System.nanoTime();
        return call.get().handle((ok, error) -> {
            latencies.add(System.nanoTime() - t0);
            if (error != null) {
                failures.incrementAndGet();
            }
            return null;
        }).thenCompose(x -> loop(call, end, latencies, failures));
    }
}
