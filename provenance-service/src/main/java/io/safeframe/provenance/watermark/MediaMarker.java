package io.safeframe.provenance.watermark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Marks and reads whole files through the Debian ffmpeg binary over pipes. Video: decoded to raw YUV 4:2:0,
 * the Y plane of every frame marked (every frame, so any clip cut from the video still carries the mark),
 * re-encoded with libx264 CRF 18 at the source frame rate, audio copied untouched. Stills: PNG in → PNG out,
 * JPEG in → JPEG (q95) out. Detection reads up to 64 evenly spread frames and adds their readings.
 */
public final class MediaMarker {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DETECT_FRAMES = 64;

    private final Watermarker marker;

    public MediaMarker(Watermarker marker) {
        this.marker = marker;
    }

    Watermarker watermarker() {
        return marker;
    }

    public static final class MediaError extends Exception {
        public MediaError(String message) {
            super(message);
        }
    }

    record Info(boolean image, String codec, int width, int height, String frameRate, long frames, boolean audio) {
    }

    Info probe(Path file) throws MediaError {
        byte[] out = run(List.of("ffprobe", "-v", "error", "-show_entries",
                "stream=codec_type,codec_name,width,height,r_frame_rate,nb_frames:format=format_name", "-of", "json", file.toString()), null, 30);
        try {
            JsonNode root = JSON.readTree(out);
            JsonNode video = null;
            boolean audio = false;
            for (JsonNode s : root.path("streams")) {
                if ("video".equals(s.path("codec_type").asText()) && video == null) {
                    video = s;
                }
                audio |= "audio".equals(s.path("codec_type").asText());
            }
            if (video == null) {
                throw new MediaError("no picture in the file");
            }
            String format = root.path("format").path("format_name").asText("");
            boolean image = format.endsWith("_pipe") || format.equals("image2");
            int w = video.path("width").asInt();
            int h = video.path("height").asInt();
            if (w < 16 || h < 16 || w > 4096 || h > 4096 || (!image && (w % 2 != 0 || h % 2 != 0))) {
                throw new MediaError("unsupported picture size " + w + "×" + h);
            }
            return new Info(image, video.path("codec_name").asText(), w, h, video.path("r_frame_rate").asText("25/1"),
                    video.path("nb_frames").asLong(0), audio);
        } catch (IOException e) {
            throw new MediaError("unreadable media");
        }
    }

    /** Marks IN into OUT; returns the number of frames marked. */
    public int mark(Path in, Path out, byte[] payload) throws MediaError {
        Info info = probe(in);
        boolean[] codeword = Payload.codeword(payload);
        if (info.image()) {
            byte[] rgb = decodeRgb(in, info);
            byte[] luma = RgbLuma.luma(rgb);
            byte[] marked = luma.clone();
            marker.embed(marked, info.width(), info.height(), codeword);
            RgbLuma.applyLuma(rgb, luma, marked);
            boolean jpeg = info.codec().equals("mjpeg");
            run(List.of("ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", info.width() + "x" + info.height(), "-i", "pipe:0",
                    "-frames:v", "1", jpeg ? "-q:v" : "-pix_fmt", jpeg ? "2" : "rgb24", "-f", "image2", "-update", "1", out.toString()), rgb, 60);
            return 1;
        }
        return markVideo(in, out, info, codeword);
    }

    private int markVideo(Path in, Path out, Info info, boolean[] codeword) throws MediaError {
        int ySize = info.width() * info.height();
        int frameSize = ySize * 3 / 2;
        Process decoder = start(List.of("ffmpeg", "-v", "error", "-nostdin", "-i", in.toString(), "-map", "0:v:0", "-f", "rawvideo",
                "-pix_fmt", "yuv420p", "pipe:1"));
        List<String> encode = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s",
                info.width() + "x" + info.height(), "-r", info.frameRate(), "-i", "pipe:0", "-i", in.toString(), "-map", "0:v:0"));
        if (info.audio()) {
            encode.addAll(List.of("-map", "1:a?", "-c:a", "copy"));
        }
        encode.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                "-f", "mp4", out.toString()));
        Process encoder = start(encode);
        CompletableFuture<byte[]> decodeErr = CompletableFuture.supplyAsync(() -> drain(decoder.getErrorStream()));
        CompletableFuture<byte[]> encodeErr = CompletableFuture.supplyAsync(() -> drain(encoder.getErrorStream()));
        int frames = 0;
        try (InputStream src = decoder.getInputStream(); OutputStream dst = encoder.getOutputStream()) {
            byte[] frame = new byte[frameSize];
            byte[] y = new byte[ySize];
            while (readFully(src, frame)) {
                System.arraycopy(frame, 0, y, 0, ySize);
                marker.embed(y, info.width(), info.height(), codeword);
                System.arraycopy(y, 0, frame, 0, ySize);
                dst.write(frame);
                frames++;
            }
        } catch (IOException e) {
            decoder.destroyForcibly();
            encoder.destroyForcibly();
            throw new MediaError("marking failed: " + e.getMessage());
        }
        int d = waitFor(decoder, 600);
        int e = waitFor(encoder, 600);
        if (d != 0 || e != 0 || frames == 0) {
            throw new MediaError("the video could not be decoded or re-encoded (" + frames + " frames; ffmpeg: "
                    + last(decodeErr.join()) + " " + last(encodeErr.join()) + ")");
        }
        return frames;
    }

    public record Read(Detection detection, List<Integer> framesUsed) {
    }

    public Read detect(Path in, WatermarkKey key) throws MediaError {
        Info info = probe(in);
        if (info.image()) {
            byte[] luma = RgbLuma.luma(decodeRgb(in, info));
            return new Read(CropSearch.detect(marker, luma, info.width(), info.height(), key).detection(), List.of(0));
        }
        int step = info.frames() > DETECT_FRAMES ? (int) (info.frames() / DETECT_FRAMES) : 1;
        Process decoder = start(List.of("ffmpeg", "-v", "error", "-nostdin", "-i", in.toString(), "-map", "0:v:0", "-vf",
                "select='not(mod(n\\," + step + "))'", "-fps_mode", "passthrough", "-frames:v", Integer.toString(DETECT_FRAMES),
                "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(decoder.getErrorStream()));
        Watermarker.Reading sum = null;
        // the same frames read as a centred crop, at the crop the first frame suggests, when that frame alone shows
        // no mark (used only if the direct reading of all frames finds nothing either)
        Watermarker.Reading croppedSum = null;
        double keep = 1;
        List<Integer> used = new ArrayList<>();
        try (InputStream src = decoder.getInputStream()) {
            byte[] y = new byte[info.width() * info.height()];
            int n = 0;
            while (readFully(src, y)) {
                Watermarker.Reading r = marker.read(y, info.width(), info.height());
                sum = sum == null ? r : sum.plus(r);
                if (n == 0 && !Detection.of(r, key).detected()) {
                    // the first frame alone shows no mark: also read every frame as a centred crop
                    keep = CropSearch.bestKeep(marker, y, info.width(), info.height(), key);
                }
                if (keep < 1) {
                    Watermarker.Reading c = CropSearch.readAs(marker, y, info.width(), info.height(), keep);
                    croppedSum = croppedSum == null ? c : croppedSum.plus(c);
                }
                used.add(n * step);
                n++;
            }
        } catch (IOException e) {
            decoder.destroyForcibly();
            throw new MediaError("reading failed: " + e.getMessage());
        }
        if (waitFor(decoder, 300) != 0 || sum == null) {
            throw new MediaError("the video is truncated or corrupt (ffmpeg: " + last(err.join()) + ")");
        }
        Detection direct = Detection.of(sum, key);
        Detection cropped = direct.detected() || croppedSum == null ? direct : Detection.of(croppedSum, key, CropSearch.HYPOTHESES);
        return new Read(cropped.detected() ? cropped : direct, used);
    }

    private byte[] decodeRgb(Path in, Info info) throws MediaError {
        byte[] rgb = run(List.of("ffmpeg", "-v", "error", "-nostdin", "-i", in.toString(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt",
                "rgb24", "pipe:1"), null, 60);
        if (rgb.length < info.width() * info.height() * 3) {
            throw new MediaError("the image is truncated or corrupt");
        }
        return rgb;
    }

    private static Process start(List<String> command) throws MediaError {
        try {
            return new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new MediaError("cannot start " + command.get(0) + " (is the Debian ffmpeg package installed?)");
        }
    }

    private static byte[] run(List<String> command, byte[] stdin, int seconds) throws MediaError {
        Process p = start(command);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the process ended early; its exit code tells
        }
        if (waitFor(p, seconds) != 0) {
            byte[] stderr = err.join();
            throw new MediaError(new String(stderr, StandardCharsets.UTF_8).contains("moov atom not found")
                    ? "the video is truncated: its MP4 index (moov atom) is missing"
                    : "not a readable image or video (ffmpeg: " + last(stderr) + ")");
        }
        return out.join();
    }

    private static int waitFor(Process p, int seconds) throws MediaError {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new MediaError("ffmpeg took longer than " + seconds + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaError("interrupted");
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** A whole frame, or false at the end of the stream. */
    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        return in.readNBytes(buffer, 0, buffer.length) == buffer.length;
    }

    private static String last(byte[] stderr) {
        String[] lines = new String(stderr, StandardCharsets.UTF_8).strip().split("\n");
        String line = lines.length == 0 ? "" : lines[lines.length - 1].strip();
        return line.replaceAll("/tmp/[^ :]+", "input");
    }
}
