package io.safeframe.gateway.erasure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.EraseAccountRequest;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.internal.FramesClient;
import io.safeframe.gateway.internal.LikenessClient;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.ReportClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Erasure of one account across every service that holds personal data about it (GDPR Art. 17,
 * docs/retention.md#erasure). The gateway's own rows and clips go first (that also stops the job runner working on
 * them), then each service in turn, policy-service last so that the audit events the others queued are sealed before
 * it replaces the account's name in the chain. After each part one {@code account.erased} audit event is recorded,
 * naming the service and its counts, never the account. Fails closed: a service that does not answer is a
 * {@link io.safeframe.gateway.problem.SafetyServiceUnavailable} (503), nothing claims success while data remains, and
 * since every part is idempotent the whole erasure is simply asked for again.
 */
@ApplicationScoped
public class AccountEraser {

    private final GatewayErasure gateway;
    private final FramesClient frames;
    private final LikenessClient likeness;
    private final ReportClient reports;
    private final PolicyClient policy;

    public AccountEraser(GatewayErasure gateway, FramesClient frames, LikenessClient likeness, ReportClient reports, PolicyClient policy) {
        this.gateway = gateway;
        this.frames = frames;
        this.likeness = likeness;
        this.reports = reports;
        this.policy = policy;
    }

    /**
     * @param ctx the caller's context without the account (actor: an admin, or "account-holder"), so that nothing
     *            recorded about the erasure names the erased account
     * @param why who asked, in words that do not name the account (audited)
     */
    public Uni<Map<String, Object>> erase(RequestContext ctx, String account, String why) {
        String erasureId = UUID.randomUUID().toString();
        EraseAccountRequest request = EraseAccountRequest.newBuilder().setContext(ctx).setAccountId(account).build();
        List<ErasureResult> results = new ArrayList<>();
        return gateway.erase(account).chain(own -> recorded(ctx, erasureId, why, own.erasure(), results)
                .chain(() -> part(ctx, erasureId, why, frames::erase, request, results))
                .chain(() -> part(ctx, erasureId, why, likeness::erase, request, results))
                .chain(() -> part(ctx, erasureId, why, reports::erase, request, results))
                .chain(() -> part(ctx, erasureId, why, policy::erase, request, results))
                .map(v -> ErasureView.of(erasureId, account, Instant.now(), results, own.heldJobs())));
    }

    private Uni<Void> part(RequestContext ctx, String erasureId, String why, Function<EraseAccountRequest, Uni<ErasureResult>> service,
            EraseAccountRequest request, List<ErasureResult> results) {
        return service.apply(request).chain(result -> recorded(ctx, erasureId, why, result, results));
    }

    private Uni<Void> recorded(RequestContext ctx, String erasureId, String why, ErasureResult result, List<ErasureResult> results) {
        results.add(result);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("service", result.getService());
        attributes.put("erased", Long.toString(result.getErasedList().stream().mapToLong(e -> e.getCount()).sum()));
        attributes.put("kept_classes", Integer.toString(result.getKeptCount()));
        return policy.audit(AuditEvent.newBuilder().setContext(ctx).setAction("account.erased").setTarget("erasure:" + erasureId)
                .setReason("personal data of an account erased in " + result.getService() + " (GDPR Art. 17): " + why)
                .putAllAttributes(attributes).build()).replaceWithVoid();
    }
}
