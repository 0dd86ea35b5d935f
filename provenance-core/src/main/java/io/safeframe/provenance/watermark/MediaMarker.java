package io.safeframe.provenance.watermark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.media.FfmpegCommand;
import io.safeframe.media.MediaRefused;
import io.safeframe.media.MediaSniffer;
import io.safeframe.media.ProcessLimits;
import io.safeframe.media.SafeFfmpeg;

/**
 * Marks and reads whole files through the Debian ffmpeg binary over pipes. Video: decoded to raw YUV 4:2:0,
 * the Y plane of every frame marked (every frame, so any clip cut from the video still carries the mark),
 * re-encoded with libx264 CRF 18 at the source frame rate, audio copied untouched. Stills: PNG in → PNG out,
 * JPEG in → JPEG (q95) out. Detection reads up to 64 evenly spread frames and adds their readings. Every child
 * runs through the shared hardened runner ({@link SafeFfmpeg}): the container is forced from the file's magic
 * bytes, only the file protocol, an empty environment (this service's keys stay out of reach), prlimit limits.
 */
public final class MediaMarker {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DETECT_FRAMES = 64;

    private final Watermarker marker;
    private final SafeFfmpeg decode = new SafeFfmpeg(ProcessLimits.DECODE);
    private final SafeFfmpeg encode = new SafeFfmpeg(ProcessLimits.ENCODE);

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
        byte[] out = run(decode, FfmpegCommand.ffprobe().args("-v", "error", "-show_entries",
                "stream=codec_type,codec_name,width,height,r_frame_rate,nb_frames:format=format_name", "-of", "json").input(file, sniff(file)),
                null);
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
            run(encode, FfmpegCommand.ffmpeg().args("-v", "error", "-y").rawInput("rgb24", info.width(), info.height(), null)
                    .args("-frames:v", "1", jpeg ? "-q:v" : "-pix_fmt", jpeg ? "2" : "rgb24", "-f", "image2", "-update", "1").output(out), rgb);
            return 1;
        }
        return markVideo(in, out, info, codeword);
    }

    private int markVideo(Path in, Path out, Info info, boolean[] codeword) throws MediaError {
        int ySize = info.width() * info.height();
        int frameSize = ySize * 3 / 2;
        MediaSniffer.Kind kind = sniff(in);
        Process decoder = start(this.encode, FfmpegCommand.ffmpeg().args("-v", "error").input(in, kind).args("-map", "0:v:0", "-f", "rawvideo",
                "-pix_fmt", "yuv420p").toStdout(), false);
        FfmpegCommand encode = FfmpegCommand.ffmpeg().args("-v", "error", "-y").rawInput("yuv420p", info.width(), info.height(), info.frameRate())
                .input(in, kind).args("-map", "0:v:0");
        if (info.audio()) {
            encode.args("-map", "1:a?", "-c:a", "copy");
        }
        encode.args("-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4").output(out);
        Process encoder = start(this.encode, encode, true);
        CompletableFuture<String> decodeErr = SafeFfmpeg.tail(decoder);
        CompletableFuture<String> encodeErr = SafeFfmpeg.tail(encoder);
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
        int d = finish(this.encode, decoder);
        int e = finish(this.encode, encoder);
        if (d != 0 || e != 0 || frames == 0) {
            throw new MediaError("the video could not be decoded or re-encoded (" + frames + " frames; ffmpeg: "
                    + SafeFfmpeg.lastLine(decodeErr.join()) + " " + SafeFfmpeg.lastLine(encodeErr.join()) + ")");
        }
        return frames;
    }

    public record Read(Detection detection, List<Integer> framesUsed) {
    }

    public Read detect(Path in, WatermarkKey key) throws MediaError {
        return detect(in, key, FalsePositiveBound.SINGLE_KEY);
    }

    /** {@code bound}: how many readings (keys × layouts) the caller makes of this file, so each is held to its share. */
    public Read detect(Path in, WatermarkKey key, FalsePositiveBound bound) throws MediaError {
        Info info = probe(in);
        if (info.image()) {
            byte[] luma = RgbLuma.luma(decodeRgb(in, info));
            return new Read(Resync.detect(luma, info.width(), info.height(), key, false, bound).detection(), List.of(0));
        }
        int step = info.frames() > DETECT_FRAMES ? (int) (info.frames() / DETECT_FRAMES) : 1;
        Process decoder = start(decode, FfmpegCommand.ffmpeg().args("-v", "error").input(in, sniff(in)).args("-map", "0:v:0", "-vf",
                "select='not(mod(n\\," + step + "))'", "-fps_mode", "passthrough", "-frames:v", Integer.toString(DETECT_FRAMES),
                "-f", "rawvideo", "-pix_fmt", "gray").toStdout(), false);
        CompletableFuture<String> err = SafeFfmpeg.tail(decoder);
        Watermarker.Reading sum = null;
        // when the first frame alone shows no mark, the geometric search (Resync) runs on it once; every frame
        // is then also read at the geometry it chose and the readings are summed (one synchronisation per clip,
        // temporal voting); that sum is used only if the direct sum finds nothing
        Resync.Sync sync = null;
        Resync.Soft syncedSum = null;
        List<Integer> used = new ArrayList<>();
        try (InputStream src = decoder.getInputStream()) {
            byte[] y = new byte[info.width() * info.height()];
            int n = 0;
            while (readFully(src, y)) {
                Watermarker.Reading r = marker.read(y, info.width(), info.height());
                sum = sum == null ? r : sum.plus(r);
                if (n == 0 && !Detection.of(r, key, bound.direct()).detected()) {
                    sync = Resync.detect(y, info.width(), info.height(), key, true, bound).sync();
                }
                if (sync != null) {
                    Resync.Soft s = sync.read(y, info.width(), info.height(), key);
                    syncedSum = syncedSum == null ? s : syncedSum.plus(s);
                }
                used.add(n * step);
                n++;
            }
        } catch (IOException e) {
            decoder.destroyForcibly();
            throw new MediaError("reading failed: " + e.getMessage());
        }
        if (finish(decode, decoder) != 0 || sum == null) {
            throw new MediaError("the video is truncated or corrupt (ffmpeg: " + SafeFfmpeg.lastLine(err.join()) + ")");
        }
        // the direct sum is held to half the bound, the synchronised sum to the other half split over the search's
        // hypotheses and the direct one (FalsePositiveBound, docs/watermark.md)
        Detection direct = Detection.of(sum, key, bound.direct());
        if (direct.detected() || syncedSum == null) {
            return new Read(direct, used);
        }
        Detection synced = Resync.verdict(syncedSum, key, bound.synchronisedSum(), used.size());
        return new Read(synced.detected() ? synced : direct, used);
    }

    private byte[] decodeRgb(Path in, Info info) throws MediaError {
        byte[] rgb = run(decode, FfmpegCommand.ffmpeg().args("-v", "error").input(in, sniff(in)).args("-frames:v", "1", "-f", "rawvideo", "-pix_fmt",
                "rgb24").toStdout(), null);
        if (rgb.length < info.width() * info.height() * 3) {
            throw new MediaError("the image is truncated or corrupt");
        }
        return rgb;
    }

    private static MediaSniffer.Kind sniff(Path file) throws MediaError {
        try {
            return MediaSniffer.sniff(file);
        } catch (MediaRefused e) {
            throw new MediaError("not a readable image or video: " + e.getMessage());
        }
    }

    private static Process start(SafeFfmpeg runner, FfmpegCommand command, boolean feedsStdin) throws MediaError {
        try {
            return runner.start(command, feedsStdin);
        } catch (MediaRefused e) {
            throw new MediaError(e.getMessage());
        }
    }

    private static int finish(SafeFfmpeg runner, Process p) throws MediaError {
        try {
            return runner.finish(p);
        } catch (MediaRefused e) {
            throw new MediaError("ffmpeg: " + e.getMessage());
        }
    }

    /** Stills only (a decoded 4096×4096 RGB picture at most), so stdout is capped there. */
    private static byte[] run(SafeFfmpeg runner, FfmpegCommand command, byte[] stdin) throws MediaError {
        SafeFfmpeg.Result r;
        try {
            r = runner.run(command, stdin, 4096 * 4096 * 3 + (1 << 16));
        } catch (MediaRefused e) {
            throw new MediaError(e.getMessage());
        }
        if (r.exit() != 0) {
            throw new MediaError(r.stderr().contains("moov atom not found")
                    ? "the video is truncated: its MP4 index (moov atom) is missing"
                    : "not a readable image or video (ffmpeg: " + r.lastLine() + ")");
        }
        return r.stdout();
    }

    /** A whole frame, or false at the end of the stream. */
    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        return in.readNBytes(buffer, 0, buffer.length) == buffer.length;
    }
}
