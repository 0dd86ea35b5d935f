package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.MutinyPromptGuardGrpc.MutinyPromptGuardStub;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.api.v1.ScreenResponse;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** prompt-guard as the gateway sees it. Screening is a pure function of the text, so retries are safe. */
@ApplicationScoped
public class GuardClient {

    @GrpcClient("guard")
    MutinyPromptGuardStub guard;

    @Timeout(value = 1, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 50, abortOn = StatusRuntimeException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    @Bulkhead(value = 200)
    public Uni<ScreenResponse> screen(ScreenRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(guard, request.getContext()).screen(request), "prompt-guard");
    }

    /** The policy in force and its load history, for the moderators' policy viewer (not on the screening path). */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyInfo> policy(io.safeframe.api.v1.RequestContext ctx) {
        return SafetyCall.answer(SafetyCall.withCorrelation(guard, ctx)
                .getPolicy(io.safeframe.api.v1.PolicyRequest.newBuilder().setContext(ctx).build()), "prompt-guard");
    }

    /** A candidate policy checked by prompt-guard's own loader; INVALID_ARGUMENT passes through for the caller's 400. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyValidation> validatePolicy(io.safeframe.api.v1.RequestContext ctx, String document) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(guard, ctx).validatePolicy(io.safeframe.api.v1.ValidatePolicyRequest
                .newBuilder().setContext(ctx).setPolicyJson(document).build()), "prompt-guard");
    }

    /** Texts screened with the live policy, no account (no canary arm): a retroactive run re-checks published prompts. */
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ScreenBatchResponse> screenBatch(io.safeframe.api.v1.ScreenBatchRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(guard, request.getContext()).screenBatch(request), "prompt-guard");
    }

    /** A candidate policy against the live one on a labelled set, screened twice per line: minutes for large sets. */
    @Timeout(value = 300, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.BacktestReport> backtest(io.safeframe.api.v1.BacktestRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(guard, request.getContext()).backtest(request), "prompt-guard");
    }
}
