package io.safeframe.gateway.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Semaphore;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.safeframe.gateway.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A public upload goes from the socket to a private temp file through a 64 KiB buffer, counted as it goes: the
 * declared Content-Length is checked before (BodyLimit), and a chunked body without one is cut off here at the same
 * limit. How many uploads may be spooling at once is bounded (disk and worker threads); the next one is told to
 * retry. The caller deletes the file ({@link #discard}).
 */
@ApplicationScoped
public class UploadSpooler {

    private static final int BUFFER = 64 << 10;

    private final Path dir;
    private final long max;
    private final Semaphore slots;

    public UploadSpooler(@ConfigProperty(name = "safeframe.verify.spool-dir") Path dir,
            @ConfigProperty(name = "safeframe.limits.upload-max-bytes") long max,
            @ConfigProperty(name = "safeframe.verify.concurrent-uploads") int concurrent) {
        this.dir = dir;
        this.max = max;
        this.slots = new Semaphore(concurrent);
    }

    /** The whole body on disk; 413 past the limit, 400 when empty, 503 when too many uploads are in flight. */
    public Path spool(InputStream body) {
        if (!slots.tryAcquire()) {
            throw new ApiException(503, "busy", "Too many uploads in progress", "retry in a few seconds");
        }
        Path file = null;
        try {
            file = Files.createTempFile(dir, "safeframe-upload-", ".bin", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            long total = copy(body, file);
            if (total == 0) {
                throw ApiException.badRequest("send the image or video as the request body");
            }
            Path done = file;
            file = null;
            return done;
        } catch (IOException e) {
            throw ApiException.badRequest("the upload was interrupted");
        } finally {
            discard(file);
            slots.release();
        }
    }

    private long copy(InputStream body, Path file) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = body.read(buffer)) >= 0;) {
                total += n;
                if (total > max) {
                    throw new ApiException(413, "body-too-large", "Request Entity Too Large", "at most " + max + " bytes here");
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    public static void discard(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort; the spool directory is an emptyDir that dies with the pod
        }
    }
}
