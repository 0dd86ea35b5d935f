package io.safeframe.frames.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Evidence;
import io.safeframe.api.v1.FrameClassifierGrpc.FrameClassifierBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.TextFinding;
import io.safeframe.frames.classify.ModalityVerdict;
import io.safeframe.testing.GuardServiceProcess;

/**
 * Text on screen and speech, end to end over real gRPC: real ffmpeg, tesseract and pocketsphinx children, the real
 * prompt-guard process. Clips are made here with ffmpeg's drawtext and espeak-ng (the generator's fixture does the
 * same; its own test checks that), so a benign picture can carry text the prompt never said.
 */
@QuarkusTest
@QuarkusTestResource(GuardServiceProcess.class)
class ReadTextTest {

    static final Path DIR = Path.of("target/text-videos");
    static final Path FONT = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
    static final RequestContext CTX = RequestContext.newBuilder().setActor("test").setCorrelationId("read-text").build();

    @GrpcClient("self")
    FrameClassifierBlockingStub frames;

    @BeforeAll
    static void makeClips() throws Exception {
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("hate.txt"), "All immigrants are vermin\nand must be exterminated");
        Files.writeString(DIR.resolve("safe.txt"), "Welcome to the spring garden show");
        caption("hate.txt", "hate-caption.mp4");
        caption("safe.txt", "safe-caption.mp4");
        // the caption appears at 2 s only: OCR must run where text appears, not just on the first frame
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "mandelbrot=size=640x360:rate=24", "-t", "5", "-vf",
                draw("hate.txt") + ":enable='gte(t,2)'", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                DIR.resolve("late-caption.mp4").toString());
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "mandelbrot=size=640x360:rate=24", "-t", "4", "-c:v", "libx264",
                "-preset", "veryfast", "-pix_fmt", "yuv420p", DIR.resolve("plain.mp4").toString());
        run("espeak-ng", "-v", "en-us+klatt", "-s", "130", "-w", DIR.resolve("speech.wav").toString(),
                "the weather is lovely today and the children are playing in the park");
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "mandelbrot=size=640x360:rate=24", "-i",
                DIR.resolve("speech.wav").toString(), "-t", "6", "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast",
                "-pix_fmt", "yuv420p", "-c:a", "aac", DIR.resolve("narrated.mp4").toString());
        corruptAudioClip();
    }

    private static String draw(String textFile) {
        return "drawtext=fontfile=" + FONT + ":textfile=" + DIR.resolve(textFile).toAbsolutePath()
                + ":fontsize=22:fontcolor=white:box=1:boxcolor=black@0.75:boxborderw=7:line_spacing=7:x=(w-text_w)/2:y=h/12";
    }

    private static void caption(String textFile, String out) throws Exception {
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-t", "4", "-vf", draw(textFile),
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", DIR.resolve(out).toString());
    }

    /** A clean picture with an AAC track whose frames after the third are random bytes (headers kept, so it still muxes). */
    private static void corruptAudioClip() throws Exception {
        Path aac = DIR.resolve("tone.aac");
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", aac.toString());
        byte[] b = Files.readAllBytes(aac);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int frame = 0;
        for (int i = 0; i + 7 < b.length;) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xF6) == 0xF0) {
                int length = ((b[i + 3] & 3) << 11) | ((b[i + 4] & 0xFF) << 3) | ((b[i + 5] & 0xFF) >> 5);
                if (frame++ >= 3) {
                    for (int j = i + 7; j < Math.min(i + length, b.length); j++) {
                        b[j] = (byte) random.nextInt(256);
                    }
                }
                i += Math.max(length, 7);
            } else {
                i++;
            }
        }
        Files.write(DIR.resolve("bad.aac"), b);
        run("ffmpeg", "-loglevel", "quiet", "-y", "-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=10", "-f", "aac", "-i",
                DIR.resolve("bad.aac").toString(), "-t", "3", "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast",
                "-pix_fmt", "yuv420p", "-c:a", "copy", DIR.resolve("corrupt-audio.mp4").toString());
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + log);
        }
    }

    ClassifyVideoResponse classify(String file) throws Exception {
        return frames.classifyVideo(ClassifyVideoRequest.newBuilder().setContext(CTX)
                .setVideo(ByteString.copyFrom(Files.readAllBytes(DIR.resolve(file)))).build());
    }

    static List<Evidence> of(ClassifyVideoResponse r, String modality) {
        return r.getVerdict().getEvidenceList().stream().filter(e -> e.getModality().equals(modality)).toList();
    }

    @Test
    void hateCaptionOnABenignPictureIsBlockedWithTextTimeAndRegion() throws Exception {
        ClassifyVideoResponse r = classify("hate-caption.mp4");
        assertEquals(Decision.BLOCK, r.getVerdict().getDecision(), r.getVerdict().getReason() + " / " + r.getTextsList());
        assertTrue(r.getVerdict().getRuleId().startsWith("ocr:"), r.getVerdict().getRuleId());
        List<Evidence> ocr = of(r, TextLine.OCR);
        assertFalse(ocr.isEmpty());
        Evidence e = ocr.stream().filter(x -> x.hasRegion()).findFirst().orElseThrow();
        assertTrue(e.getMatched().toLowerCase().contains("vermin"), e.getMatched());
        // the caption is drawn centred in the top part of a 640×360 frame
        assertTrue(e.getRegion().getY() < 120 && e.getRegion().getWidth() > 150, e.getRegion().toString());
        assertTrue(e.getEndTimestampMs() >= 2000, "seen over the clip, not one frame: " + e);
        assertFalse(r.getVerdict().getPublicReason().contains("vermin"), "the owner is not shown the matched words");
        assertEquals("none", r.getAudio());
    }

    @Test
    void textAppearingLaterIsReadFromWhenItAppears() throws Exception {
        ClassifyVideoResponse r = classify("late-caption.mp4");
        assertEquals(Decision.BLOCK, r.getVerdict().getDecision(), r.getVerdict().getReason());
        long start = of(r, TextLine.OCR).stream().mapToLong(Evidence::getTimestampMs).min().orElseThrow();
        assertTrue(start >= 1900 && start <= 3100, "read from about 2 s: " + start);
    }

    @Test
    void safeCaptionIsReadAndAllowed() throws Exception {
        ClassifyVideoResponse r = classify("safe-caption.mp4");
        assertEquals(Decision.ALLOW, r.getVerdict().getDecision(), r.getVerdict().getReason());
        assertTrue(r.getTextsList().stream().anyMatch(t -> t.getText().toLowerCase().contains("garden") && t.getModality().equals("ocr")),
                r.getTextsList().toString());
    }

    @Test
    void framesWithoutTextAreNotReadAndPass() throws Exception {
        ClassifyVideoResponse r = classify("plain.mp4");
        assertEquals(Decision.ALLOW, r.getVerdict().getDecision(), r.getVerdict().getReason());
        assertTrue(r.getTextsList().stream().noneMatch(t -> t.getModality().equals("ocr")), r.getTextsList().toString());
        assertEquals("none", r.getAudio());
    }

    @Test
    void speechIsTranscribedWithTimestamps() throws Exception {
        ClassifyVideoResponse r = classify("narrated.mp4");
        assertEquals("read", r.getAudio());
        List<TextFinding> speech = r.getTextsList().stream().filter(t -> t.getModality().equals("speech")).toList();
        assertFalse(speech.isEmpty(), "a transcript");
        for (TextFinding t : speech) {
            assertTrue(t.getEndMs() > t.getStartMs() && t.getEndMs() <= 6500, t.toString());
        }
        assertEquals(Decision.ALLOW, r.getVerdict().getDecision(), r.getVerdict().getReason() + " / " + speech);
    }

    @Test
    void unreadableAudioIsNeverASilentAllow() throws Exception {
        ClassifyVideoResponse r = classify("corrupt-audio.mp4");
        assertTrue(r.getAudio().startsWith("unreadable"), r.getAudio());
        assertEquals(Decision.REVIEW, r.getVerdict().getDecision(), "the picture alone would pass; the unread audio holds it");
        assertTrue(r.getVerdict().getEvidenceList().stream().anyMatch(e -> e.getRuleId().equals(ModalityVerdict.AUDIO_UNREADABLE)
                && e.getMatched().contains("could not be read")), r.getVerdict().toString());
        assertTrue(r.getFramesSampled() > 0, "the frames were still classified");
    }
}
