package io.safeframe.provenance.manifest;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Random access to a media file without holding it: a file on disk (an upload streamed there) or, for callers that
 * already have the bytes, an array. Hashing runs through a small buffer, so a 64 MB video costs 64 KiB of heap.
 */
public interface MediaBytes extends AutoCloseable {

    int HASH_BUFFER = 64 << 10;

    long size();

    /** Exactly {@code length} bytes at {@code position} into {@code dst}; EOFException when the media is shorter. */
    void read(long position, byte[] dst, int offset, int length) throws IOException;

    @Override
    default void close() throws IOException {
    }

    default byte[] read(long position, int length) throws IOException {
        byte[] b = new byte[length];
        read(position, b, 0, length);
        return b;
    }

    /** Feeds {@code [from, from + length)} to the digest. */
    default void digest(MessageDigest digest, long from, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.min(HASH_BUFFER, Math.max(length, 1))];
        long at = from;
        long end = from + length;
        while (at < end) {
            int n = (int) Math.min(buffer.length, end - at);
            read(at, buffer, 0, n);
            digest.update(buffer, 0, n);
            at += n;
        }
    }

    static MediaBytes of(byte[] bytes) {
        return new MediaBytes() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                if (position < 0 || position + length > bytes.length) {
                    throw new EOFException("read past the end at " + position);
                }
                System.arraycopy(bytes, (int) position, dst, offset, length);
            }

            @Override
            public void digest(MessageDigest digest, long from, long length) throws IOException {
                if (from < 0 || from + length > bytes.length) {
                    throw new EOFException("read past the end at " + from);
                }
                digest.update(bytes, (int) from, (int) length);
            }
        };
    }

    static MediaBytes open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        long size = channel.size();
        return new MediaBytes() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                if (position < 0 || position + length > size) {
                    throw new EOFException("read past the end at " + position);
                }
                ByteBuffer b = ByteBuffer.wrap(dst, offset, length);
                long at = position;
                while (b.hasRemaining()) {
                    int n = channel.read(b, at);
                    if (n < 0) {
                        throw new EOFException("the file is shorter than it was");
                    }
                    at += n;
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
