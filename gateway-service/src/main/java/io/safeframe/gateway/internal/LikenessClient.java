package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.Cameo;
import io.safeframe.api.v1.CameoRequest;
import io.safeframe.api.v1.CameoUse;
import io.safeframe.api.v1.CheckClipRequest;
import io.safeframe.api.v1.CheckPromptRequest;
import io.safeframe.api.v1.EnrolRequest;
import io.safeframe.api.v1.GrantRequest;
import io.safeframe.api.v1.LikenessCheck;
import io.safeframe.api.v1.MutinyLikenessGrpc.MutinyLikenessStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SetAudienceRequest;
import io.safeframe.api.v1.TakedownRequest;
import io.safeframe.api.v1.UnenrolResult;
import io.safeframe.api.v1.UseList;
import io.safeframe.api.v1.UseStateRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * likeness-service as the gateway sees it. The checks fail closed (no answer → the step waits, nothing is generated
 * or published unchecked); the owner's controls pass the registry's refusals through as HTTP problems.
 */
@ApplicationScoped
public class LikenessClient {

    private static final String SERVICE = "likeness-service";

    @GrpcClient("likeness")
    MutinyLikenessStub likeness;

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<LikenessCheck> checkPrompt(CheckPromptRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(likeness, request.getContext()).checkPrompt(request), SERVICE);
    }

    /** Faces are described by frame-classifier behind it: a clip takes as long as a classification. */
    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    public Uni<LikenessCheck> checkClip(CheckClipRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(likeness, request.getContext()).checkClip(request), SERVICE);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<UseList> setUseState(UseStateRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(likeness, request.getContext()).setUseState(request), SERVICE);
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<Cameo> enrol(EnrolRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).enrol(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Cameo> get(RequestContext ctx) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, ctx).getCameo(CameoRequest.newBuilder().setContext(ctx).build()), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Cameo> setAudience(SetAudienceRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).setAudience(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Cameo> grant(GrantRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).grant(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Cameo> revoke(GrantRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).revoke(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<UnenrolResult> unenrol(RequestContext ctx) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, ctx).unenrol(CameoRequest.newBuilder().setContext(ctx).build()), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<UseList> uses(RequestContext ctx) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, ctx).listUses(CameoRequest.newBuilder().setContext(ctx).build()), SERVICE);
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ProtectedPerson> addProtected(io.safeframe.api.v1.ProtectedPersonRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).addProtectedPerson(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<UnenrolResult> removeProtected(io.safeframe.api.v1.ProtectedPersonRef request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).removeProtectedPerson(request), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ProtectedPersonList> protectedPersons(RequestContext ctx) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, ctx)
                .listProtectedPersons(CameoRequest.newBuilder().setContext(ctx).build()), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CameoUse> requestTakedown(TakedownRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).requestTakedown(request), SERVICE);
    }

    /** Erasure of one account in likeness-service (docs/retention.md#erasure); idempotent, so the caller may retry it. */
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ErasureResult> erase(io.safeframe.api.v1.EraseAccountRequest request) {
        return SafetyCall.answer(SafetyCall.withCorrelation(likeness, request.getContext()).eraseAccount(request), SERVICE);
    }
}
