package io.safeframe.guard.policy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.LivePolicyRequest;
import io.safeframe.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SeedPolicyRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the prompt policy in force equal to the policy store's live version (policy-service, docs/policy-lifecycle.md):
 * polls every safeframe.guard.policy-store.poll-every, which costs one small answer when nothing changed. An empty
 * store is seeded with this service's file or built-in policy as version 1. When the store cannot be reached the last
 * good version stays in force; with no version at all screening fails closed (PolicyHolder.NoPolicy).
 */
@ApplicationScoped
public class StorePolicySource {

    public static final String KIND = "prompt";
    private static final Logger LOG = Logger.getLogger(StorePolicySource.class);

    private final PolicyHolder holder;
    private final long deadlineMillis;
    private volatile boolean reachable = true;
    /** A live version this instance refused: not fetched and refused again on every poll. */
    private volatile int refusedVersion;

    @GrpcClient("policy")
    PolicyServiceBlockingStub store;

    public StorePolicySource(PolicyHolder holder,
            @ConfigProperty(name = "safeframe.guard.policy-store.deadline", defaultValue = "2s") java.time.Duration deadline) {
        this.holder = holder;
        this.deadlineMillis = deadline.toMillis();
    }

    @Scheduled(every = "${safeframe.guard.policy-store.poll-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPoll() {
        if (holder.fromStore()) {
            poll();
        }
    }

    /** One look at the store; returns what happened (for logs and tests). */
    public synchronized String poll() {
        RequestContext ctx = RequestContext.newBuilder().setCorrelationId("prompt-policy-poll").build();
        try {
            PolicyVersion live;
            try {
                live = stub().getLivePolicy(LivePolicyRequest.newBuilder().setContext(ctx).setKind(KIND)
                        .setKnownVersion(holder.storeVersion()).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                live = stub().seedPolicy(SeedPolicyRequest.newBuilder().setContext(ctx).setKind(KIND)
                        .setDocumentJson(new String(holder.seedDocument(), StandardCharsets.UTF_8)).build());
                LOG.infof("seeded the empty policy store with the %s prompt policy as v%d", holder.seedSource(), live.getVersion());
            }
            if (!reachable) {
                reachable = true;
                holder.noteStore("STORE_REACHABLE", "policy store answers again");
            }
            pollCandidates(ctx);
            if (live.getVersion() == holder.storeVersion() || live.getVersion() == refusedVersion) {
                return "unchanged";
            }
            String outcome = holder.installFromStore(live.getVersion(), live.getDocumentJson().getBytes(StandardCharsets.UTF_8));
            if (outcome.startsWith("refused")) {
                refusedVersion = live.getVersion();
            }
            return outcome;
        } catch (StatusRuntimeException e) {
            if (reachable) {
                reachable = false;
                LOG.warnf("policy store unreachable (%s); %s", e.getStatus(),
                        holder.loaded() ? "keeping the last good prompt policy" : "no prompt policy yet: screening fails closed");
                holder.noteStore("STORE_UNREACHABLE", e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            }
            return "unreachable: " + e.getStatus().getCode();
        }
    }

    /** The versions in shadow (screened beside live by ShadowEvaluator) and in canary (acting for CanaryArms' share). */
    private void pollCandidates(RequestContext ctx) {
        pollCandidate(ctx, PolicyState.POLICY_SHADOW, holder.shadowVersion(), holder::installShadow, holder::clearShadow);
        pollCandidate(ctx, PolicyState.POLICY_CANARY, holder.canaryVersion(), holder::installCanary, holder::clearCanary);
    }

    private void pollCandidate(RequestContext ctx, PolicyState state, int known, java.util.function.BiFunction<Integer, byte[], String> install,
            Runnable clear) {
        try {
            PolicyVersion candidate = stub().getLivePolicy(LivePolicyRequest.newBuilder().setContext(ctx).setKind(KIND)
                    .setState(state).setKnownVersion(known).build());
            if (candidate.getVersion() != known) {
                install.apply(candidate.getVersion(), candidate.getDocumentJson().getBytes(StandardCharsets.UTF_8));
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
            clear.run();
        }
    }

    private PolicyServiceBlockingStub stub() {
        return store.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }
}
