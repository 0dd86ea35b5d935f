package io.safeframe.frames.text.speech;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.safeframe.frames.text.TextLine;
import io.safeframe.media.FfmpegCommand;
import io.safeframe.media.MediaRefused;
import io.safeframe.media.MediaSniffer;
import io.safeframe.media.ProcessLimits;
import io.safeframe.media.SafeFfmpeg;
import io.safeframe.media.SafeTool;

/**
 * The audio track, transcribed: ffmpeg (the hardened runner) decodes the first audio stream to 16 kHz mono PCM in a
 * WAV file we own, which the Debian pocketsphinx recogniser (US English model) reads; both are limited children.
 * A clip without an audio stream has nothing to say. A stream that does not decode cleanly (ffmpeg's -xerror: the
 * first decoding error ends the run) is {@link Status#UNREADABLE}: the caller must not read that as silence.
 */
public final class Speech {

    public enum Status {
        NONE, READ, UNREADABLE
    }

    public record Result(Status status, String detail, List<TextLine> segments, long decodeNanos, long asrNanos) {
        public String describe() {
            return switch (status) {
                case NONE -> "none";
                case READ -> "read";
                case UNREADABLE -> "unreadable: " + detail;
            };
        }
    }

    /** Recognition runs at ≈0.2× real time here; 5 minutes (the longest clip) gets 4 minutes of CPU. */
    static final ProcessLimits ASR = new ProcessLimits(1L << 30, 240, 1L << 20, Duration.ofMinutes(4));
    /** Less than 0.1 s of 16 kHz 16-bit mono after the 44-byte header: nothing was decoded. */
    static final long MIN_WAV_BYTES = 44 + 3200;

    private final SafeFfmpeg ffmpeg = new SafeFfmpeg(ProcessLimits.DECODE.withTimeout(Duration.ofMinutes(1)));
    private final SafeTool sphinx = new SafeTool(ASR);

    public Result transcribe(Path media) throws MediaRefused {
        long started = System.nanoTime();
        MediaSniffer.Kind kind = MediaSniffer.sniff(media);
        SafeFfmpeg.Result probe = ffmpeg.run(FfmpegCommand.ffprobe().args("-v", "error", "-select_streams", "a", "-show_entries",
                "stream=index", "-of", "csv=p=0").input(media, kind), null, 1 << 16);
        if (probe.exit() != 0) {
            return unreadable("ffprobe: " + probe.lastLine(), started);
        }
        if (new String(probe.stdout(), java.nio.charset.StandardCharsets.US_ASCII).isBlank()) {
            return new Result(Status.NONE, "", List.of(), System.nanoTime() - started, 0);
        }
        Path wav = null;
        try {
            wav = Files.createTempFile("safeframe-audio-", ".wav");
            SafeFfmpeg.Result decoded = ffmpeg.run(FfmpegCommand.ffmpeg().args("-v", "error", "-xerror").input(media, kind)
                    .args("-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav", "-y").output(wav), null, 1 << 16);
            if (decoded.exit() != 0) {
                return unreadable("ffmpeg: " + decoded.lastLine(), started);
            }
            if (Files.size(wav) < MIN_WAV_BYTES) {
                return unreadable("the audio stream decoded to nothing", started);
            }
            long decodeNanos = System.nanoTime() - started;
            long asrStarted = System.nanoTime();
            SafeTool.Result r = sphinx.run(List.of("pocketsphinx_continuous", "-infile", wav.toString(), "-time", "yes",
                    "-logfn", "/dev/null"), null, 1 << 20);
            if (r.exit() != 0) {
                return unreadable("the recogniser failed (exit " + r.exit() + ")", started);
            }
            return new Result(Status.READ, "", SphinxTimes.segments(r.text()), decodeNanos, System.nanoTime() - asrStarted);
        } catch (IOException e) {
            throw new MediaRefused("cannot stage the audio: " + e.getMessage());
        } finally {
            if (wav != null) {
                try {
                    Files.deleteIfExists(wav);
                } catch (IOException e) {
                    // a temp file left behind is not worth failing the request
                }
            }
        }
    }

    private static Result unreadable(String why, long started) {
        return new Result(Status.UNREADABLE, why, List.of(), System.nanoTime() - started, 0);
    }
}
