package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.Bank;
import io.safeframe.api.v1.BankList;
import io.safeframe.api.v1.BankRef;
import io.safeframe.api.v1.BanksRequest;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.CreateBankRequest;
import io.safeframe.api.v1.HashLine;
import io.safeframe.api.v1.ImportHashesRequest;
import io.safeframe.api.v1.ImportResult;
import io.safeframe.api.v1.MatchHashRequest;
import io.safeframe.api.v1.MatchList;
import io.safeframe.api.v1.MutinyFrameClassifierGrpc.MutinyFrameClassifierStub;
import io.safeframe.api.v1.RemoveHashRequest;
import io.safeframe.api.v1.RequestContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** frame-classifier-service's hash-bank administration as the gateway sees it. */
@ApplicationScoped
public class FramesClient {

    private static final String SERVICE = "frame-classifier-service";

    @GrpcClient("frames")
    MutinyFrameClassifierStub frames;

    private MutinyFrameClassifierStub stub(RequestContext ctx) {
        return SafetyCall.withCorrelation(frames, ctx);
    }

    /** A classifier policy document checked by frame-classifier's own parser; INVALID_ARGUMENT passes through for a 400. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.PolicyValidation> validatePolicy(RequestContext ctx, String document) {
        return SafetyCall.failClosed(stub(ctx).validateClassifierPolicy(io.safeframe.api.v1.ValidatePolicyRequest.newBuilder().setContext(ctx)
                .setPolicyJson(document).build()), SERVICE);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<BankList> banks(RequestContext ctx) {
        return call(stub(ctx).listBanks(BanksRequest.newBuilder().setContext(ctx).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Bank> create(RequestContext ctx, Bank bank) {
        return call(stub(ctx).createBank(CreateBankRequest.newBuilder().setContext(ctx).setBank(bank).build()));
    }

    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    public Uni<ImportResult> importLines(RequestContext ctx, String bank, String lines) {
        return call(stub(ctx).importHashes(ImportHashesRequest.newBuilder().setContext(ctx).setBank(bank).setLines(lines).build()));
    }

    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    public Uni<List<String>> export(RequestContext ctx, String bank) {
        return call(stub(ctx).exportHashes(BankRef.newBuilder().setContext(ctx).setBank(bank).build()).map(HashLine::getLine).collect().asList());
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Bank> remove(RequestContext ctx, String bank, String hash) {
        return call(stub(ctx).removeHash(RemoveHashRequest.newBuilder().setContext(ctx).setBank(bank).setHash(hash).build()));
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<MatchList> match(RequestContext ctx, MatchHashRequest request) {
        return call(stub(ctx).matchHash(request.toBuilder().setContext(ctx).build()));
    }

    /** Classification of a generated clip; the job runner retries it with back-off when the service is away. */
    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    public Uni<ClassifyVideoResponse> classifyVideo(ClassifyVideoRequest request) {
        return SafetyCall.failClosed(stub(request.getContext()).classifyVideo(request), SERVICE);
    }

    /** Hashes (and classifies) uploaded stills, for adding them to a bank. */
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ClassifyFramesResponse> classifyFrames(io.safeframe.api.v1.ClassifyFramesRequest request) {
        return call(stub(request.getContext()).classifyFrames(request));
    }

    /** An uploaded clip hashed for a bank: the service's refusals (truncated, too long) are the uploader's business. */
    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    public Uni<ClassifyVideoResponse> hashVideo(ClassifyVideoRequest request) {
        return call(stub(request.getContext()).classifyVideo(request));
    }

    private static <T> Uni<T> call(Uni<T> call) {
        return SafetyCall.answer(call, SERVICE);
    }

    /** Erasure of one account in frame-classifier-service (docs/retention.md#erasure); idempotent, so the caller may retry it. */
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ErasureResult> erase(io.safeframe.api.v1.EraseAccountRequest request) {
        return call(stub(request.getContext()).eraseAccount(request));
    }
}
