package io.safeframe.generator.encode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.safeframe.media.FfmpegCommand;
import io.safeframe.media.MediaRefused;
import io.safeframe.media.ProcessLimits;
import io.safeframe.media.SafeProcess;

/**
 * Encodes raw RGB frames into an MP4 (H.264, yuv420p) with the Debian ffmpeg binary over a pipe. One encoder
 * thread and bit-exact muxing keep the output byte-identical for identical frames, which makes clips reproducible.
 * Started like every ffmpeg in Safeframe (shared {@code media} runner: empty environment, prlimit limits), although
 * its only input is our own frames.
 */
public final class H264Writer {

    public interface FrameSource {
        void render(int index, byte[] rgb);
    }

    private H264Writer() {
    }

    public static byte[] encode(int width, int height, int fps, int frames, FrameSource source, Duration timeout) throws IOException {
        Path dir = Files.createTempDirectory("safeframe-gen");
        Path out = dir.resolve("clip.mp4");
        Path log = dir.resolve("ffmpeg.log");
        List<String> command = FfmpegCommand.ffmpeg().args("-v", "error").rawInput("rgb24", width, height, Integer.toString(fps))
                .args("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-threads", "1",
                        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1", "-movflags", "+faststart", "-y")
                .output(out).toList();
        Process ffmpeg;
        try {
            ffmpeg = SafeProcess.builder(command, ProcessLimits.ENCODE.withTimeout(timeout)).redirectOutput(log.toFile())
                    .redirectError(log.toFile()).start();
        } catch (IOException | MediaRefused e) {
            deleteAll(dir);
            throw new IOException("cannot start ffmpeg (is the Debian ffmpeg package installed?): " + e.getMessage(), e);
        }
        try {
            byte[] rgb = new byte[width * height * 3];
            try (OutputStream in = ffmpeg.getOutputStream()) {
                for (int i = 0; i < frames; i++) {
                    source.render(i, rgb);
                    in.write(rgb);
                }
            }
            if (!ffmpeg.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("ffmpeg took longer than " + timeout + " to encode " + frames + " frames");
            }
            if (ffmpeg.exitValue() != 0) {
                throw new IOException("ffmpeg failed (" + ffmpeg.exitValue() + "): " + Files.readString(log).strip());
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while encoding", e);
        } finally {
            ffmpeg.destroyForcibly();
            deleteAll(dir);
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
