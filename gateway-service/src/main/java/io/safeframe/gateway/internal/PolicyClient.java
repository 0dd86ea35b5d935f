package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuditReceipt;
import io.safeframe.api.v1.AuditVerification;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.AuthorizeResponse;
import io.safeframe.api.v1.DecisionList;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ReservationRef;
import io.safeframe.api.v1.ReservationState;
import io.safeframe.api.v1.Standing;
import io.safeframe.api.v1.StandingRequest;
import io.safeframe.api.v1.VerifyAuditRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * policy-service as the gateway sees it. Every call has a timeout, a circuit breaker and a bulkhead; only
 * idempotent calls retry (Authorize is, through its idempotency key). Failures come out as
 * SafetyServiceUnavailable — never as "allowed".
 */
@ApplicationScoped
public class PolicyClient {

    private static final String SERVICE = "policy-service";

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, abortOn = StatusRuntimeException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    @Bulkhead(value = 200)
    public Uni<AuthorizeResponse> authorize(AuthorizeRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, request.getContext()).authorize(request), SERVICE);
    }

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, abortOn = StatusRuntimeException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<ReservationState> commit(ReservationRef ref) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, ref.getContext()).commit(ref), SERVICE);
    }

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, abortOn = StatusRuntimeException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<ReservationState> refund(ReservationRef ref) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, ref.getContext()).refund(ref), SERVICE);
    }

    // Not retried: a retry could write the same event twice. So its one attempt gets the longer deadline: a durable
    // enqueue takes milliseconds when warm, but the first one after policy-service (re)starts also pays for its
    // connection, its key and JIT; 2 s was outlasted on a loaded CI machine. A dead service still trips the breaker.
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<AuditReceipt> audit(AuditEvent event) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, event.getContext()).recordAudit(event), SERVICE);
    }

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, abortOn = StatusRuntimeException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Standing> standing(RequestContext ctx, String accountId) {
        StandingRequest req = StandingRequest.newBuilder().setContext(ctx).setAccountId(accountId).build();
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, ctx).getStanding(req), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<DecisionList> decisions(RequestContext ctx, String accountId) {
        StandingRequest req = StandingRequest.newBuilder().setContext(ctx).setAccountId(accountId).build();
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, ctx).listDecisions(req), SERVICE);
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<java.util.List<String>> exportAudit(RequestContext ctx, long fromSeq, long toSeq) {
        io.safeframe.api.v1.ExportAuditRequest req = io.safeframe.api.v1.ExportAuditRequest.newBuilder().setContext(ctx)
                .setFromSeq(fromSeq).setToSeq(toSeq).build();
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, ctx).exportAudit(req)
                .map(io.safeframe.api.v1.AuditLine::getJson).collect().asList(), SERVICE);
    }

    /** The retained window of recent screenings, decrypted, for a backtest on live traffic (admin path only). */
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ScreeningWindow> screeningWindow(RequestContext ctx, int hours) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, ctx).listScreeningWindow(io.safeframe.api.v1.ScreeningWindowRequest
                .newBuilder().setContext(ctx).setHours(hours).build()), SERVICE);
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<AuditVerification> verifyAudit(RequestContext ctx) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, ctx)
                .verifyAudit(VerifyAuditRequest.newBuilder().setContext(ctx).build()), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Standing> liftSanction(io.safeframe.api.v1.LiftSanctionRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).liftSanction(request), SERVICE);
    }

    // Versioned safety policies (docs/policy-lifecycle.md): people's actions, not retried (a retried draft would be a
    // second version); refusals come back as HTTP problems (403 author approving, 409 move not allowed, 404).

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyVersion> draftPolicy(io.safeframe.api.v1.DraftPolicyVersionRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).draftPolicyVersion(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyVersion> approvePolicy(io.safeframe.api.v1.ApprovePolicyVersionRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).approvePolicyVersion(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyVersion> transitionPolicy(io.safeframe.api.v1.TransitionPolicyVersionRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).transitionPolicyVersion(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyVersion> rollbackPolicy(io.safeframe.api.v1.RollbackPolicyRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).rollbackPolicy(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyVersionList> policyVersions(io.safeframe.api.v1.ListPolicyVersionsRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).listPolicyVersions(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyVersion> policyVersion(io.safeframe.api.v1.GetPolicyVersionRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).getPolicyVersion(request), SERVICE);
    }

    /** A backtest's or canary's figures kept with the version; not retried (a retry could record them twice). */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyEvaluation> recordEvaluation(io.safeframe.api.v1.RecordPolicyEvaluationRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).recordPolicyEvaluation(request), SERVICE);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.DivergenceReport> divergenceReport(io.safeframe.api.v1.DivergenceReportRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(policy, request.getContext()).getDivergenceReport(request), SERVICE);
    }

    /** Erasure of one account in policy-service (docs/retention.md#erasure); idempotent, so the caller may retry it. */
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ErasureResult> erase(io.safeframe.api.v1.EraseAccountRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(policy, request.getContext()).eraseAccount(request), SERVICE);
    }
}
