package io.safeframe.guard.screening;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.PolicyDivergence;
import io.safeframe.api.v1.PolicyDivergences;
import io.safeframe.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.policy.StorePolicySource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Shadow mode (docs/policy-lifecycle.md): each prompt screened with the live policy is screened again, off the request
 * path, with the candidate in shadow; where the two decisions differ the divergence goes to the policy store, with what
 * each version's rules matched. The candidate never acts: its verdict is compared and dropped. Under load shadow
 * evaluations are dropped (counted), never live screenings delayed.
 */
@ApplicationScoped
public class ShadowEvaluator {

    private static final Logger LOG = Logger.getLogger(ShadowEvaluator.class);
    private static final int MAX_EVIDENCE = 10;

    private final PolicyHolder holder;
    private final Screener screener;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
            r -> {
                Thread t = new Thread(r, "guard-shadow");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());
    private final BlockingQueue<PolicyDivergence> pending = new ArrayBlockingQueue<>(10_000);
    private final AtomicLong evaluated = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    @GrpcClient("policy")
    PolicyServiceBlockingStub store;

    public ShadowEvaluator(PolicyHolder holder, Screener screener) {
        this.holder = holder;
        this.screener = screener;
    }

    /** Called after a live screening; returns at once. */
    public void observe(String text, Screening live, String correlationId) {
        PolicyHolder.Candidate shadow = holder.shadow();
        if (shadow == null) {
            return;
        }
        int liveVersion = holder.storeVersion();
        if (worker.getQueue().remainingCapacity() == 0) {
            dropped.incrementAndGet();
            return;
        }
        worker.execute(() -> {
            try {
                Screening candidate = screener.screen(text, shadow.policy());
                evaluated.incrementAndGet();
                if (!candidate.decision().equals(live.decision())) {
                    boolean candidateFlags = !"ALLOW".equals(candidate.decision());
                    PolicyDivergence d = PolicyDivergence.newBuilder().setKind(StorePolicySource.KIND).setLiveVersion(liveVersion)
                            .setCandidateVersion(shadow.version()).setLiveDecision(Decision.valueOf(live.decision()))
                            .setCandidateDecision(Decision.valueOf(candidate.decision()))
                            .setCategory(topCategory(candidateFlags ? candidate : live)).setLiveRule(live.ruleId())
                            .setCandidateRule(candidate.ruleId()).addAllLiveEvidence(evidence(live))
                            .addAllCandidateEvidence(evidence(candidate)).setPromptToHash(text)
                            .setCorrelationId(correlationId == null ? "" : correlationId)
                            .setAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond())).build();
                    if (!pending.offer(d)) {
                        dropped.incrementAndGet();
                    }
                }
            } catch (RuntimeException e) {
                // the candidate's failure is a finding about the candidate, never a failure of the live screening
                LOG.warnf("shadow screening with v%d failed: %s", shadow.version(), e.toString());
            }
        });
    }

    static String topCategory(Screening s) {
        return s.hits().stream().max(Comparator.comparingDouble(Screening.Hit::score)).map(Screening.Hit::category)
                .or(() -> s.categoryScores().entrySet().stream().filter(e -> e.getValue() > 0)
                        .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey))
                .orElse("none");
    }

    private static List<String> evidence(Screening s) {
        return s.hits().stream().limit(MAX_EVIDENCE).map(h -> h.ruleId() + ":" + h.matched()).toList();
    }

    @Scheduled(every = "${safeframe.guard.shadow.flush-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<PolicyDivergence> batch = new ArrayList<>();
        pending.drainTo(batch, 1000);
        try {
            store.withDeadlineAfter(2, TimeUnit.SECONDS).recordPolicyDivergences(PolicyDivergences.newBuilder()
                    .setContext(RequestContext.newBuilder().setCorrelationId("shadow-divergences")).addAllDivergences(batch).build());
        } catch (StatusRuntimeException e) {
            // shadow findings are evidence for a decision, not enforcement: lost when the store is away, and counted
            dropped.addAndGet(batch.size());
            LOG.warnf("%d shadow divergences not recorded: %s", batch.size(), e.getStatus());
        }
    }

    public long evaluated() {
        return evaluated.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
