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

    /** What a test fixture adds: a video filter (the burnt-in caption) and a narration WAV we synthesised; empty/null for none. */
    public record Extras(List<String> videoFilter, Path narrationWav) {
        public static final Extras NONE = new Extras(List.of(), null);
    }

    private H264Writer() {
    }

    public static byte[] encode(int width, int height, int fps, int frames, FrameSource source, Duration timeout) throws IOException {
        Path dir = Files.createTempDirectory("safeframe-gen");
        return encode(width, height, fps, frames, source, timeout, Extras.NONE, dir);
    }

    /** Encodes in {@code dir} (a fresh temp directory, deleted afterwards with everything in it). */
    public static byte[] encode(int width, int height, int fps, int frames, FrameSource source, Duration timeout, Extras extras, Path dir)
            throws IOException {
        Path out = dir.resolve("clip.mp4");
        Path log = dir.resolve("ffmpeg.log");
        FfmpegCommand encoder = FfmpegCommand.ffmpeg().args("-v", "error").rawInput("rgb24", width, height, Integer.toString(fps));
        if (extras.narrationWav() != null) {
            // padded with silence to the clip's end, cut there when longer: the clip keeps the asked duration
            encoder.ownWavInput(extras.narrationWav()).args("-map", "0:v", "-map", "1:a", "-af", "apad", "-shortest",
                    "-c:a", "aac", "-b:a", "64k", "-ac", "1", "-flags:a", "+bitexact");
        }
        List<String> command = encoder.args(extras.videoFilter())
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

    public static void deleteAll(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
