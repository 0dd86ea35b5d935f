package io.safeframe.frames.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.media.FfmpegCommand;
import io.safeframe.media.MediaRefused;
import io.safeframe.media.MediaSniffer;
import io.safeframe.media.ProcessLimits;
import io.safeframe.media.SafeFfmpeg;

/**
 * Decoding through the Debian ffmpeg/ffprobe binaries over pipes (exact, 200–360 fps on the 2-core build machine).
 * No JNI: a crash on hostile input kills only the child. Every child is started by the shared hardened runner
 * ({@link SafeFfmpeg}: format forced from the magic bytes, file protocol only, empty environment, prlimit
 * memory/CPU limits, wall-clock timeout).
 */
public final class Ffmpeg {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PTS_TIME = Pattern.compile("\\bn:\\s*(\\d+).*?\\bpts_time:\\s*(-?[0-9.]+)");
    private final MediaLimits limits;
    private final SafeFfmpeg runner;

    public Ffmpeg(MediaLimits limits) {
        this.limits = limits;
        this.runner = new SafeFfmpeg(new ProcessLimits(limits.processMemoryBytes(), limits.processTimeout().toSeconds(), 1L << 20,
                limits.processTimeout()));
    }

    /** How frames are picked from a video: every k-th frame, scene changes above a threshold, and the first. */
    public record Sampling(int everyKthFrame, double sceneThreshold, int maxFrames) {
        /** About one frame per second (vPDQ's default rate) plus scene cuts, at most 600 frames. */
        public static Sampling perSecond(double fps) {
            return new Sampling(Math.max(1, (int) Math.round(fps)), 0.4, 600);
        }
    }

    public MediaInfo probe(Path file) throws MediaException {
        checkSize(file);
        Result r = run(FfmpegCommand.ffprobe().args("-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height,pix_fmt,avg_frame_rate,nb_frames:format=format_name,duration", "-of", "json").input(file, sniff(file)));
        if (r.exit != 0) {
            if (r.stderr.contains("moov atom not found")) {
                throw new MediaException("the video is truncated: its MP4 index (moov atom) is missing");
            }
            throw new MediaException("not a readable image or video (ffmpeg: " + SafeFfmpeg.lastLine(r.stderr) + ")");
        }
        try {
            JsonNode root = JSON.readTree(r.stdout);
            JsonNode stream = root.path("streams").path(0);
            if (stream.isMissingNode()) {
                throw new MediaException("no video stream in the file");
            }
            String container = root.path("format").path("format_name").asText("");
            int width = stream.path("width").asInt(0);
            int height = stream.path("height").asInt(0);
            if (width <= 0 || height <= 0) {
                throw new MediaException("the video stream has no picture size");
            }
            if (width > limits.maxWidth() || height > limits.maxHeight()) {
                throw new MediaException("resolution " + width + "×" + height + " is over the limit of " + limits.maxWidth() + "×" + limits.maxHeight());
            }
            boolean image = container.endsWith("_pipe") || container.equals("image2");
            double duration = root.path("format").path("duration").asDouble(0);
            if (!image && duration > limits.maxDuration().toSeconds()) {
                throw new MediaException("duration " + Math.round(duration) + " s is over the limit of " + limits.maxDuration().toSeconds() + " s");
            }
            return new MediaInfo(image, container, stream.path("codec_name").asText(""), width, height, stream.path("pix_fmt").asText(""),
                    duration, rate(stream.path("avg_frame_rate").asText("0/1")), stream.path("nb_frames").asLong(0));
        } catch (IOException e) {
            throw new MediaException("ffprobe output unreadable: " + e.getMessage());
        }
    }

    /** The first picture of an image file, grey when the file is grey (PDQ treats grey differently). */
    public Frame decodeImage(Path file, MediaInfo info) throws MediaException {
        int channels = info.grey() ? 1 : 3;
        Result r = run(FfmpegCommand.ffmpeg().args("-v", "error").input(file, sniff(file)).args("-frames:v", "1", "-f", "rawvideo",
                "-pix_fmt", channels == 1 ? "gray" : "rgb24").toStdout());
        int expected = info.width() * info.height() * channels;
        if (r.exit != 0 || r.stdout.length < expected) {
            throw new MediaException("the image is truncated or corrupt (ffmpeg: " + SafeFfmpeg.lastLine(r.stderr) + ")");
        }
        byte[] pixels = r.stdout.length == expected ? r.stdout : java.util.Arrays.copyOf(r.stdout, expected);
        return new Frame(0, 0, info.width(), info.height(), channels, pixels);
    }

    public interface FrameSink {
        void accept(Frame frame) throws MediaException;
    }

    /**
     * Decodes the sampled frames of a video to RGB24 and hands each to the sink with its timestamp (from
     * ffmpeg's showinfo). A truncated file (no moov atom) or a decoder error ends in MediaException.
     */
    public int sampleVideo(Path file, MediaInfo info, Sampling sampling, FrameSink sink) throws MediaException {
        // first frame, every k-th, scene cuts, and the last frame when the container says how many there are
        String last = info.frameCount() > 1 ? "+eq(n\\," + (info.frameCount() - 1) + ")" : "";
        String select = "select='eq(n\\,0)+not(mod(n\\," + sampling.everyKthFrame() + "))+gt(scene\\," + sampling.sceneThreshold() + ")" + last + "'";
        FfmpegCommand command = FfmpegCommand.ffmpeg().args("-nostats", "-loglevel", "info").input(file, sniff(file)).args("-an",
                "-vf", select + ",showinfo", "-fps_mode", "vfr", "-frames:v", Integer.toString(sampling.maxFrames()),
                "-f", "rawvideo", "-pix_fmt", "rgb24").toStdout();
        Process process = start(command);
        int frameBytes = info.width() * info.height() * 3;
        List<Long> timestamps = new ArrayList<>();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readTimestamps(process.getErrorStream(), timestamps));
        int count = 0;
        try (InputStream out = process.getInputStream()) {
            byte[] buffer = new byte[frameBytes];
            while (readFully(out, buffer)) {
                long ts = waitForTimestamp(timestamps, count, process);
                sink.accept(new Frame(count, ts, info.width(), info.height(), 3, buffer.clone()));
                count++;
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new MediaException("decoding failed: " + e.getMessage());
        } catch (MediaException e) {
            process.destroyForcibly();
            throw e;
        }
        int exit = finish(process);
        String errors = stderr.join();
        if (exit != 0 || count == 0) {
            throw new MediaException("the video is truncated or corrupt (" + count + " frames decoded; ffmpeg: "
                    + SafeFfmpeg.lastLine(errors) + ")");
        }
        return count;
    }

    private long waitForTimestamp(List<Long> timestamps, int index, Process process) {
        // showinfo writes the line before the frame leaves the filter graph; allow the reader thread to catch up
        for (int i = 0; i < 200; i++) {
            synchronized (timestamps) {
                if (timestamps.size() > index) {
                    return timestamps.get(index);
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return -1;
    }

    private static String readTimestamps(InputStream err, List<Long> timestamps) {
        StringBuilder tail = new StringBuilder();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains("Parsed_showinfo")) {
                    Matcher m = PTS_TIME.matcher(line);
                    if (m.find()) {
                        synchronized (timestamps) {
                            timestamps.add(Math.round(Double.parseDouble(m.group(2)) * 1000));
                        }
                    }
                } else {
                    tail.append(line).append('\n');
                    if (tail.length() > 8192) {
                        tail.delete(0, tail.length() - 4096);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return tail.toString();
    }

    /** A whole frame, or false at the end of the stream. */
    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        return in.readNBytes(buffer, 0, buffer.length) == buffer.length;
    }

    private void checkSize(Path file) throws MediaException {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new MediaException("the file is empty");
            }
            if (size > limits.maxBytes()) {
                throw new MediaException("the file has " + size + " bytes; the limit is " + limits.maxBytes());
            }
        } catch (IOException e) {
            throw new MediaException("cannot read the file: " + e.getMessage());
        }
    }

    private record Result(int exit, byte[] stdout, String stderr) {
    }

    private Result run(FfmpegCommand command) throws MediaException {
        try {
            // a decoded still is at most 3840×2160 RGB; ffprobe's JSON is small
            SafeFfmpeg.Result r = runner.run(command, null, limits.maxWidth() * limits.maxHeight() * 3 + (1 << 16));
            return new Result(r.exit(), r.stdout(), r.stderr());
        } catch (MediaRefused e) {
            throw new MediaException(e.getMessage());
        }
    }

    private Process start(FfmpegCommand command) throws MediaException {
        try {
            return runner.start(command, false);
        } catch (MediaRefused e) {
            throw new MediaException(e.getMessage());
        }
    }

    private int finish(Process process) throws MediaException {
        try {
            return runner.finish(process);
        } catch (MediaRefused e) {
            throw new MediaException(e.getMessage());
        }
    }

    private static MediaSniffer.Kind sniff(Path file) throws MediaException {
        try {
            return MediaSniffer.sniff(file);
        } catch (MediaRefused e) {
            throw new MediaException("not a readable image or video: " + e.getMessage());
        }
    }

    private static double rate(String fraction) {
        String[] p = fraction.split("/");
        try {
            double num = Double.parseDouble(p[0]);
            double den = p.length > 1 ? Double.parseDouble(p[1]) : 1;
            return den == 0 ? 0 : num / den;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
