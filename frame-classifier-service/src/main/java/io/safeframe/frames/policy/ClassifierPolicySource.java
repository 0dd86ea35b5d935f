package io.safeframe.frames.policy;

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
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SeedPolicyRequest;
import io.safeframe.frames.classify.ClassifierPolicy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the classifier policy in force equal to the policy store's live version of kind {@value #KIND}
 * (policy-service): one small answer per poll when nothing changed; an empty store is seeded with the policy this
 * build carries. When the store cannot be reached the last good version stays. Only live versions act here: shadow and
 * canary are prompt-guard's (the gateway refuses them for this kind).
 */
@ApplicationScoped
public class ClassifierPolicySource {

    public static final String KIND = "classifier";
    private static final Logger LOG = Logger.getLogger(ClassifierPolicySource.class);

    private final ClassifierPolicyHolder holder;
    private final long deadlineMillis;
    private volatile boolean reachable = true;
    /** A live version this instance refused: not installed again on every poll. */
    private volatile int refusedVersion;

    @GrpcClient("policy")
    PolicyServiceBlockingStub store;

    public ClassifierPolicySource(ClassifierPolicyHolder holder,
            @ConfigProperty(name = "safeframe.frames.policy-store.deadline") java.time.Duration deadline) {
        this.holder = holder;
        this.deadlineMillis = deadline.toMillis();
    }

    @Scheduled(every = "${safeframe.frames.policy-store.poll-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduledPoll() {
        if (holder.fromStore()) {
            poll();
        }
    }

    /** One look at the store; returns what happened (for logs and tests). */
    public synchronized String poll() {
        RequestContext ctx = RequestContext.newBuilder().setCorrelationId("classifier-policy-poll").build();
        try {
            PolicyVersion live;
            try {
                live = stub().getLivePolicy(LivePolicyRequest.newBuilder().setContext(ctx).setKind(KIND).setKnownVersion(holder.storeVersion()).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                live = stub().seedPolicy(SeedPolicyRequest.newBuilder().setContext(ctx).setKind(KIND)
                        .setDocumentJson(new String(ClassifierPolicy.classpathDocument(), StandardCharsets.UTF_8)).build());
                LOG.infof("seeded the empty policy store with the built-in classifier policy as v%d", live.getVersion());
            }
            if (!reachable) {
                reachable = true;
                LOG.info("policy store answers again");
            }
            if (live.getVersion() == holder.storeVersion() || live.getVersion() == refusedVersion) {
                return "unchanged";
            }
            String outcome = holder.install(live.getVersion(), live.getDocumentJson());
            if (outcome.startsWith("refused")) {
                refusedVersion = live.getVersion();
            }
            return outcome;
        } catch (StatusRuntimeException e) {
            if (reachable) {
                reachable = false;
                LOG.warnf("policy store unreachable (%s); %s", e.getStatus(),
                        holder.loaded() ? "keeping the last good classifier policy" : "no classifier policy yet: classification fails closed");
            }
            return "unreachable: " + e.getStatus().getCode();
        }
    }

    private PolicyServiceBlockingStub stub() {
        return store.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }
}
