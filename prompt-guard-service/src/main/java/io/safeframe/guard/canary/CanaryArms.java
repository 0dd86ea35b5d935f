package io.safeframe.guard.canary;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.StopCanaryRequest;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.policy.StorePolicySource;
import io.safeframe.guard.screening.Screening;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Canary experiments (docs/policy-lifecycle.md): while a version is in canary, a deterministic share of accounts is
 * screened with it — the same account always in the same arm for one version, a new version draws again — and the
 * rest with live. Each arm's screenings are counted by decision ({@code safeframe_policy_arm_screenings_total}) and
 * timed. The stop rule: once both arms have enough screenings, a canary that flags clearly less than live (a
 * two-proportion z below −{@code stop-z}) is retired through the policy store, with the figures as its reason — the
 * candidate is letting through what the live rules catch. A canary that flags more is left to the reviewers: that
 * may be exactly what a stricter rule is for, and only appeals and moderator labels can tell.
 */
@ApplicationScoped
public class CanaryArms {

    private static final Logger LOG = Logger.getLogger(CanaryArms.class);

    public enum Arm {
        LIVE, CANARY;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final PolicyHolder holder;
    private final MeterRegistry registry;
    private final double percent;
    private final long minSamples;
    private final double stopZ;
    /** The figures of the version in canary now; replaced when another version enters canary. */
    private final AtomicReference<ArmStats> stats = new AtomicReference<>(new ArmStats(0));

    @GrpcClient("policy")
    PolicyServiceBlockingStub store;

    public CanaryArms(PolicyHolder holder, MeterRegistry registry,
            @ConfigProperty(name = "safeframe.guard.canary.percent", defaultValue = "10") double percent,
            @ConfigProperty(name = "safeframe.guard.canary.min-samples", defaultValue = "200") long minSamples,
            @ConfigProperty(name = "safeframe.guard.canary.stop-z", defaultValue = "4") double stopZ) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("safeframe.guard.canary.percent must be 0 to 100, not " + percent);
        }
        this.holder = holder;
        this.registry = registry;
        this.percent = percent;
        this.minSamples = minSamples;
        this.stopZ = stopZ;
    }

    /** The rules an account's prompt is screened with: the canary's for its share of accounts, else live's. */
    public CompiledPolicy rulesFor(String accountId, CompiledPolicy live) {
        PolicyHolder.Candidate canary = holder.canary();
        if (canary == null || accountId == null || accountId.isBlank() || !inCanary(accountId, canary.version(), percent)) {
            return live;
        }
        return canary.policy();
    }

    /** Deterministic: SHA-256 of the account and the version, its first four bytes as a point in 0..9999. */
    static boolean inCanary(String accountId, int version, double percent) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((StorePolicySource.KIND + "/v" + version + "\n" + accountId).getBytes(StandardCharsets.UTF_8));
            long point = (((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8) | (digest[3] & 0xffL)) % 10_000;
            return point < Math.round(percent * 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Counts one screening in its arm (the rules tell which: the canary's own, or its teen profile). */
    public void record(CompiledPolicy rules, Screening s, long startNanos) {
        PolicyHolder.Candidate canary = holder.canary();
        Arm arm = canary != null && (rules == canary.policy() || rules == canary.policy().teen()) ? Arm.CANARY : Arm.LIVE;
        registry.counter("safeframe_policy_arm_screenings_total", "kind", StorePolicySource.KIND, "arm", arm.label(), "decision", s.decision())
                .increment();
        registry.timer("safeframe_policy_arm_screen_seconds", "kind", StorePolicySource.KIND, "arm", arm.label())
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        if (canary == null) {
            return;
        }
        ArmStats current = stats.updateAndGet(st -> st.version() == canary.version() ? st : new ArmStats(canary.version()));
        current.add(arm, !"ALLOW".equals(s.decision()));
    }

    @Scheduled(every = "${safeframe.guard.canary.check-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCheck() {
        checkStopRule();
    }

    /** Applies the stop rule to the figures so far; what it did (for logs and tests). */
    public synchronized String checkStopRule() {
        PolicyHolder.Candidate canary = holder.canary();
        ArmStats st = stats.get();
        if (canary == null) {
            return "no canary";
        }
        if (st.version() != canary.version()) {
            return "too few screenings";
        }
        ArmStats.Finding finding = st.compare(minSamples);
        if (finding == null) {
            return "too few screenings";
        }
        if (finding.z() > -stopZ) {
            return "continues: " + finding;
        }
        String reason = "canary stop rule: v" + canary.version() + " flagged clearly less than live (z = " + String.format("%.1f", finding.z())
                + " ≤ −" + stopZ + "): " + finding;
        try {
            store.withDeadlineAfter(5, TimeUnit.SECONDS).stopCanary(StopCanaryRequest.newBuilder()
                    .setContext(RequestContext.newBuilder().setActor("prompt-guard-service").setCorrelationId("canary-stop-v" + canary.version()))
                    .setKind(StorePolicySource.KIND).setVersion(canary.version()).setReason(reason).build());
            // at once here; the next poll confirms it for every instance
            holder.clearCanary();
            LOG.warnf("%s", reason);
            return "stopped: " + finding;
        } catch (StatusRuntimeException e) {
            LOG.warnf("canary stop rule could not retire v%d (%s); it will try again", canary.version(), e.getStatus());
            return "stop refused: " + e.getStatus().getCode();
        }
    }
}
