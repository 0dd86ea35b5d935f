package io.safeframe.media;

import java.util.concurrent.CompletableFuture;

/**
 * The one way Safeframe runs ffmpeg/ffprobe: {@link FfmpegCommand} lines (sniffed input, file protocol only)
 * started by {@link SafeProcess} (empty environment, prlimit), under a wall-clock timeout after which the child
 * is killed, with its stderr kept to the last few KiB.
 */
public final class SafeFfmpeg {

    /** How much of a child's stderr is kept (its end, where the reason for a failure is). */
    public static final int STDERR_KEPT = SafeTool.STDERR_KEPT;

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
        SafeTool.Result r = new SafeTool(limits).run(command.toList(), stdin, maxStdout);
        return new Result(r.exit(), r.stdout(), r.stderr());
    }

    /** Waits within the time limit; over it the child is killed (SIGKILL) and the media refused. */
    public int finish(Process p) throws MediaRefused {
        return new SafeTool(limits).finish(p);
    }

    /** Drains the child's stderr on another thread, keeping its last {@link #STDERR_KEPT} bytes. */
    public static CompletableFuture<String> tail(Process p) {
        return SafeTool.tail(p);
    }

    /** The last line of ffmpeg's stderr with file paths hidden (they name our temp files). */
    public static String lastLine(String stderr) {
        String[] lines = stderr.strip().split("\n");
        String line = lines.length == 0 || lines[lines.length - 1].isBlank() ? "no details from ffmpeg" : lines[lines.length - 1].strip();
        return line.replaceAll("(file:)?/[^ :,']+", "input");
    }
}
