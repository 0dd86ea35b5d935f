package io.safeframe.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one helper program to its end the way every child in Safeframe runs: started by {@link SafeProcess} (empty
 * environment, prlimit), killed past its wall-clock limit, stdout capped, stderr kept to its last few KiB. ffmpeg
 * goes through {@link SafeFfmpeg}, which adds its input rules; tesseract, pocketsphinx and espeak-ng come here
 * directly — they read only files we wrote ourselves (decoded frames, decoded audio, fixture text).
 */
public final class SafeTool {

    /** How much of a child's stderr is kept (its end, where the reason for a failure is). */
    public static final int STDERR_KEPT = 8 << 10;

    private final ProcessLimits limits;

    public SafeTool(ProcessLimits limits) {
        this.limits = limits;
    }

    public record Result(int exit, byte[] stdout, String stderr) {
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs to the end: stdin fed from {@code stdin} (may be null), stdout collected up to {@code maxStdout} bytes. */
    public Result run(List<String> command, byte[] stdin, int maxStdout) throws MediaRefused {
        Process p = SafeProcess.start(command, limits, stdin != null);
        CompletableFuture<String> err = tail(p);
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readCapped(p.getInputStream(), maxStdout));
        if (stdin != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // the child ended early; its exit code tells
            }
        }
        int exit = finish(p);
        return new Result(exit, out.join(), err.join());
    }

    /** Waits within the time limit; over it the child is killed (SIGKILL) and the input refused. */
    public int finish(Process p) throws MediaRefused {
        try {
            if (!p.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new MediaRefused("the helper took longer than " + limits.timeout().toSeconds() + " s and was stopped");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MediaRefused("interrupted");
        }
    }

    /** Drains the child's stderr on another thread, keeping its last {@link #STDERR_KEPT} bytes. */
    public static CompletableFuture<String> tail(Process p) {
        return CompletableFuture.supplyAsync(() -> new String(readTail(p.getErrorStream(), STDERR_KEPT), StandardCharsets.UTF_8));
    }

    private static byte[] readTail(InputStream in, int keep) {
        byte[] ring = new byte[keep];
        long total = 0;
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    ring[(int) (total++ % keep)] = buffer[i];
                }
            }
        } catch (IOException e) {
            // the child ended
        }
        if (total <= keep) {
            return Arrays.copyOf(ring, (int) total);
        }
        int start = (int) (total % keep);
        byte[] out = new byte[keep];
        System.arraycopy(ring, start, out, 0, keep - start);
        System.arraycopy(ring, 0, out, keep - start, start);
        return out;
    }

    private static byte[] readCapped(InputStream in, int cap) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() < cap) {
                    out.write(buffer, 0, Math.min(n, cap - out.size()));
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
