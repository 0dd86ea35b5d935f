package io.safeframe.curation;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.FrameClassifierGrpc;
import io.safeframe.api.v1.PromptGuardGrpc;
import io.safeframe.api.v1.PublicVerifyGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenBatchRequest;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.api.v1.UploadChunk;
import io.safeframe.api.v1.VerifyResponse;

/**
 * The three services a curation run asks, over gRPC with the {@code curation} identity: prompt-guard
 * {@code ScreenBatch}, frame-classifier {@code ClassifyVideo} (classifiers, policy and hash banks, images too) and
 * verify-service {@code VerifyUpload} (our watermark with every key version, any C2PA manifest). verify-service is
 * used rather than provenance-core in-process so the watermark key stays where it is (a key that detects also marks).
 * Transient failures (unavailable, overloaded, deadline) are retried within a time budget ({@link Patience}); a refusal
 * of our identity is not.
 */
final class Services implements AutoCloseable {

    static final int SCREEN_BATCH = 64;
    private static final int CHUNK = 1 << 20;
    private static final long DEADLINE_SECONDS = 180;

    /** The service said no to this input (INVALID_ARGUMENT and friends): the item is unreadable. */
    static final class Refused extends Exception {
        final Status.Code code;

        Refused(Status.Code code) {
            super(code.name());
            this.code = code;
        }
    }

    /** No answer within the retry budget: the item is unchecked. */
    static final class Unavailable extends Exception {
        final Status.Code code;

        Unavailable(Status.Code code) {
            super(code.name());
            this.code = code;
        }
    }

    /** Our identity or the service's configuration is wrong: stop the run, retrying will not help. */
    static final class Misconfigured extends RuntimeException {
        Misconfigured(String message) {
            super(message);
        }
    }

    private final ManagedChannel guard;
    private final ManagedChannel frames;
    private final ManagedChannel verify;
    private final Patience patience;

    Services(CurationSettings settings) {
        this.guard = IdentityChannel.to(settings.guard(), settings.identityDir());
        this.frames = IdentityChannel.to(settings.frames(), settings.identityDir());
        this.verify = IdentityChannel.to(settings.verify(), settings.identityDir());
        this.patience = new Patience(settings.retryBudgetSeconds());
    }

    static RequestContext context(String correlationId) {
        // the job acts as itself: no user is behind it (docs/service-identity.md)
        return RequestContext.newBuilder().setActor("curation").setCorrelationId(correlationId).build();
    }

    List<ScreenResponse> screen(List<String> texts, String correlationId) throws Refused, Unavailable {
        ScreenBatchRequest request = ScreenBatchRequest.newBuilder().setContext(context(correlationId)).addAllTexts(texts).build();
        List<ScreenResponse> results = patience.call("prompt-guard", () -> PromptGuardGrpc.newBlockingStub(guard)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).screenBatch(request).getResultsList());
        if (results.size() != texts.size()) {
            throw new Misconfigured("prompt-guard answered " + results.size() + " verdicts for " + texts.size() + " texts");
        }
        return results;
    }

    ClassifyVideoResponse classify(byte[] media, String id) throws Refused, Unavailable {
        ClassifyVideoRequest request = ClassifyVideoRequest.newBuilder().setContext(context("curation:" + id))
                .setVideo(ByteString.copyFrom(media)).setContentId(id).build();
        return patience.call("frame-classifier", () -> FrameClassifierGrpc.newBlockingStub(frames)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).classifyVideo(request));
    }

    VerifyResponse provenance(byte[] media) throws Refused, Unavailable {
        return patience.call("verify", () -> upload(media));
    }

    private VerifyResponse upload(byte[] media) {
        CompletableFuture<VerifyResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadChunk> out = PublicVerifyGrpc.newStub(verify).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .verifyUpload(new StreamObserver<>() {
                    @Override
                    public void onNext(VerifyResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(Status.INTERNAL.withDescription("no answer").asRuntimeException());
                    }
                });
        for (int at = 0; at < media.length && !answer.isDone(); at += CHUNK) {
            out.onNext(UploadChunk.newBuilder().setData(ByteString.copyFrom(media, at, Math.min(CHUNK, media.length - at))).build());
        }
        out.onCompleted();
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.asRuntimeException();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StatusRuntimeException s ? s : Status.fromThrowable(e.getCause()).asRuntimeException();
        }
    }

    @Override
    public void close() {
        for (ManagedChannel c : List.of(guard, frames, verify)) {
            c.shutdownNow();
        }
    }
}
