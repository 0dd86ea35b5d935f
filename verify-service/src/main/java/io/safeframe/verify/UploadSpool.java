package io.safeframe.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import com.google.protobuf.ByteString;

/**
 * One upload on its way to disk: chunks are appended as they arrive, so memory holds one chunk, never the file.
 * The file is private to this process (0600) and is deleted by {@link #close()}, whatever the outcome.
 */
final class UploadSpool implements AutoCloseable {

    /** More bytes than the limit: the upload is refused, and nothing of it is kept. */
    static final class TooLarge extends Exception {
        TooLarge(long max) {
            super("the upload is larger than " + max + " bytes");
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long max;
    private long written;

    private UploadSpool(Path file, long max) throws IOException {
        this.file = file;
        this.max = max;
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
    }

    static UploadSpool create(Path dir, long max) throws IOException {
        Path file = Files.createTempFile(dir, "safeframe-verify-", ".upload", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            return new UploadSpool(file, max);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    void append(ByteString chunk) throws IOException, TooLarge {
        if (written + chunk.size() > max) {
            throw new TooLarge(max);
        }
        for (ByteBuffer b : chunk.asReadOnlyByteBufferList()) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
        written += chunk.size();
    }

    long size() {
        return written;
    }

    /** The spooled file, complete: the channel is closed so readers see every byte. */
    Path finish() throws IOException {
        channel.close();
        return file;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // the file goes anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort; the spool directory is an emptyDir that dies with the pod
        }
    }
}
