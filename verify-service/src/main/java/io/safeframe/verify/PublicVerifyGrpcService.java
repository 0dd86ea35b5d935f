package io.safeframe.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.PublicVerifyGrpc;
import io.safeframe.api.v1.UploadChunk;
import io.safeframe.api.v1.VerifyResponse;

/**
 * The gRPC edge: an upload arrives as chunks and goes straight to a spool file (gRPC's flow control asks for the
 * next chunk only after this one is written, so a fast sender cannot pile chunks up in memory). When the last chunk
 * is in, {@link Verification} reads the file. How many uploads may be spooling at once is bounded (disk); the spool
 * file is deleted on every path out: answer, refusal, client cancel.
 */
@GrpcService
public class PublicVerifyGrpcService extends PublicVerifyGrpc.PublicVerifyImplBase {

    static final int MAX_CHUNK = 1 << 20;

    private final Verification verification;
    private final Path spoolDir;
    private final long maxBytes;
    private final Semaphore uploads;

    public PublicVerifyGrpcService(Verification verification, @ConfigProperty(name = "safeframe.verify.spool-dir") Path spoolDir,
            @ConfigProperty(name = "safeframe.verify.max-upload-bytes") long maxBytes,
            @ConfigProperty(name = "safeframe.verify.concurrent-uploads") int concurrentUploads) {
        this.verification = verification;
        this.spoolDir = spoolDir;
        try {
            java.nio.file.Files.createDirectories(spoolDir);
        } catch (IOException e) {
            throw new IllegalStateException("safeframe.verify.spool-dir " + spoolDir + " cannot be created", e);
        }
        this.maxBytes = maxBytes;
        this.uploads = new Semaphore(concurrentUploads);
    }

    @Override
    public StreamObserver<UploadChunk> verifyUpload(StreamObserver<VerifyResponse> response) {
        if (!uploads.tryAcquire()) {
            response.onError(Status.UNAVAILABLE.withDescription("too many uploads in progress; retry shortly").asRuntimeException());
            return Ignored.INSTANCE;
        }
        UploadSpool spool;
        try {
            spool = UploadSpool.create(spoolDir, maxBytes);
        } catch (IOException e) {
            uploads.release();
            response.onError(Status.INTERNAL.withDescription("the upload cannot be spooled").asRuntimeException());
            return Ignored.INSTANCE;
        }
        return new Upload(spool, response);
    }

    /** One upload's life: chunks in, then one answer, and the spool released exactly once. */
    private final class Upload implements StreamObserver<UploadChunk> {

        private final UploadSpool spool;
        private final StreamObserver<VerifyResponse> response;
        private boolean ended;

        Upload(UploadSpool spool, StreamObserver<VerifyResponse> response) {
            this.spool = spool;
            this.response = response;
        }

        @Override
        public synchronized void onNext(UploadChunk chunk) {
            if (ended) {
                return;
            }
            if (chunk.getData().size() > MAX_CHUNK) {
                refuse(Status.INVALID_ARGUMENT.withDescription("a chunk carries at most " + MAX_CHUNK + " bytes"));
                return;
            }
            try {
                spool.append(chunk.getData());
            } catch (UploadSpool.TooLarge e) {
                refuse(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            } catch (IOException e) {
                refuse(Status.INTERNAL.withDescription("the upload cannot be spooled"));
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            // the client went away (cancel, deadline): nothing to answer, only the spool to drop
            end();
        }

        @Override
        public synchronized void onCompleted() {
            if (ended) {
                return;
            }
            if (spool.size() == 0) {
                refuse(Status.INVALID_ARGUMENT.withDescription("no media bytes"));
                return;
            }
            Path file;
            try {
                file = spool.finish();
            } catch (IOException e) {
                refuse(Status.INTERNAL.withDescription("the upload cannot be spooled"));
                return;
            }
            verification.verify(file).subscribe().with(answer -> {
                end();
                response.onNext(answer);
                response.onCompleted();
            }, failure -> {
                end();
                response.onError(failure instanceof StatusRuntimeException ? failure
                        : Status.UNAVAILABLE.withDescription("verification failed: " + failure.getClass().getSimpleName()).asRuntimeException());
            });
        }

        private void refuse(Status status) {
            verification.refused(status.getCode());
            end();
            response.onError(status.asRuntimeException());
        }

        private synchronized void end() {
            if (!ended) {
                ended = true;
                spool.close();
                uploads.release();
            }
        }
    }

    /** The request side of a call already refused. */
    private enum Ignored implements StreamObserver<UploadChunk> {
        INSTANCE;

        @Override
        public void onNext(UploadChunk value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
