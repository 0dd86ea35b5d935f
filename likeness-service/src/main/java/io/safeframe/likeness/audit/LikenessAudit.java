package io.safeframe.likeness.audit;

import java.time.Duration;
import java.util.Map;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consent changes as events in policy-service's audit chain: enrolled, audience set, granted, revoked, unenrolled,
 * takedown requested, protected person added/removed. Called inside the transaction that makes the change, so a
 * change policy-service did not record is rolled back (no unaudited consent change). Events name the cameo id,
 * the handle and accounts; never a descriptor or a photo.
 */
@ApplicationScoped
public class LikenessAudit {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    public Uni<Void> record(RequestContext context, String action, String target, String reason, Map<String, String> attributes) {
        return policy.recordAudit(AuditEvent.newBuilder().setContext(context).setAction(action).setTarget(target)
                .setDecision(Decision.ALLOW).setReason(reason).putAllAttributes(attributes).build())
                .ifNoItem().after(DEADLINE).fail().replaceWithVoid();
    }
}
