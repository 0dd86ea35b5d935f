package io.safeframe.gateway.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.PublicVerifyGrpc;
import io.safeframe.api.v1.PublicVerifyGrpc.PublicVerifyStub;
import io.safeframe.api.v1.UploadChunk;
import io.safeframe.api.v1.VerifyResponse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * verify-service: a spooled upload is streamed to it in 1 MiB chunks, read from the file only as fast as gRPC's
 * flow control lets them go, so the gateway holds at most a few chunks of any upload in memory.
 */
@ApplicationScoped
public class VerifierClient {

    private static final String SERVICE = "verify-service";
    static final int CHUNK = 1 << 20;
    private static final long DEADLINE_SECONDS = 120;

    private final PublicVerifyStub verifier;

    /** The async stub (client streaming with manual flow control) over the configured channel. */
    public VerifierClient(@GrpcClient("verify") Channel channel) {
        this.verifier = PublicVerifyGrpc.newStub(channel);
    }

    public Uni<VerifyResponse> verify(Path file, String declaredType, String correlationId) {
        Uni<VerifyResponse> call = Uni.createFrom().emitter(emitter -> {
            Metadata headers = new Metadata();
            headers.put(SafetyCall.CORRELATION, correlationId);
            Upload upload;
            try {
                upload = new Upload(FileChannel.open(file), declaredType, emitter);
            } catch (IOException e) {
                emitter.fail(Status.INTERNAL.withDescription("the spooled upload cannot be read").asRuntimeException());
                return;
            }
            verifier.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).verifyUpload(upload);
            // the call starts with its first message (the actor-token interceptor waits for it); the rest follow onReady
            upload.pump();
            emitter.onTermination(upload::abandon);
        });
        return SafetyCall.answer(call, SERVICE);
    }

    /** Sends the file chunk by chunk while the transport is ready; one answer comes back. */
    private static final class Upload implements ClientResponseObserver<UploadChunk, VerifyResponse> {

        private final FileChannel file;
        private final String declaredType;
        private final UniEmitter<? super VerifyResponse> emitter;
        private ClientCallStreamObserver<UploadChunk> out;
        private boolean first = true;
        private boolean sent;
        private VerifyResponse answer;

        Upload(FileChannel file, String declaredType, UniEmitter<? super VerifyResponse> emitter) {
            this.file = file;
            this.declaredType = declaredType;
            this.emitter = emitter;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<UploadChunk> requestStream) {
            this.out = requestStream;
            requestStream.setOnReadyHandler(this::pump);
        }

        synchronized void pump() {
            try {
                while (!sent && (first || out.isReady())) {
                    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
                    int n = file.read(buffer);
                    if (n < 0) {
                        sent = true;
                        file.close();
                        out.onCompleted();
                        return;
                    }
                    buffer.flip();
                    UploadChunk.Builder chunk = UploadChunk.newBuilder().setData(ByteString.copyFrom(buffer));
                    if (first) {
                        chunk.setDeclaredType(declaredType);
                        first = false;
                    }
                    out.onNext(chunk.build());
                }
            } catch (IOException e) {
                sent = true;
                out.onError(Status.INTERNAL.withDescription("reading the spooled upload failed").asRuntimeException());
            }
        }

        /** The caller gave up (timeout, client gone): stop sending. */
        synchronized void abandon() {
            if (!sent) {
                sent = true;
                out.cancel("abandoned", null);
            }
            close();
        }

        private void close() {
            try {
                file.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }

        @Override
        public void onNext(VerifyResponse value) {
            answer = value;
        }

        @Override
        public void onError(Throwable t) {
            synchronized (this) {
                sent = true;
                close();
            }
            emitter.fail(t);
        }

        @Override
        public void onCompleted() {
            emitter.complete(answer);
        }
    }
}
