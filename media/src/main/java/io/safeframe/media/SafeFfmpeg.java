package io.safeframe.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one way Safeframe runs ffmpeg/ffprobe: {@link FfmpegCommand} lines (sniffed input, file protocol only)
 * started by {@link SafeProcess} (empty environment, prlimit), under a wall-clock timeout after which the child
 * is killed, with its stderr kept to the last few KiB.
 */
public final class SafeFfmpeg {

    /** How much of a child's stderr is kept (its end, where the reason for a failure is). */
    public static final int STDERR_KEPT = 8 << 10;

    private final ProcessLimits limits;

    public SafeFfmpeg(ProcessLimits limits) {
        this.limits = limits;
    }

    public ProcessLimits limits() {
        return limits;
    }

    public record Result(int exit, byte[] stdout, String stderr) {
        public String lastLine() {
            return SafeFfmpeg.lastLine(stderr);
        }
    }

    /** Started; the caller reads stdout, drains stderr ({@link #tail}) and calls {@link #finish}. */
    public Process start(FfmpegCommand command, boolean feedsStdin) throws MediaRefused {
        return SafeProcess.start(command.toList(), limits, feedsStdin);
    }

    /** Runs to the end: stdin fed from {@code stdin} (may be null), stdout collected up to {@code maxStdout} bytes. */
    public Result run(FfmpegCommand command, byte[] stdin, int maxStdout) throws MediaRefused {
        Process p = start(command, stdin != null);
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

    /** Waits within the time limit; over it the child is killed (SIGKILL) and the media refused. */
    public int finish(Process p) throws MediaRefused {
        try {
            if (!p.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new MediaRefused("decoding took longer than " + limits.timeout().toSeconds() + " s and was stopped");
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
        return CompletableFuture.supplyAsync(() -> {
            byte[] kept = readTail(p.getErrorStream(), STDERR_KEPT);
            return new String(kept, StandardCharsets.UTF_8);
        });
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
            return java.util.Arrays.copyOf(ring, (int) total);
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

    /** The last line of ffmpeg's stderr with file paths hidden (they name our temp files). */
    public static String lastLine(String stderr) {
        String[] lines = stderr.strip().split("\n");
        String line = lines.length == 0 || lines[lines.length - 1].isBlank() ? "no details from ffmpeg" : lines[lines.length - 1].strip();
        return line.replaceAll("(file:)?/[^ :,']+", "input");
    }
}
