package io.safeframe.frames.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.frames.classify.FrameAnalyzer;
import io.safeframe.frames.classify.VideoClassifier;
import io.safeframe.testing.GuardServiceProcess;
import jakarta.inject.Inject;

/**
 * The whole classification of a 10-s 720p clip with a caption and narration, stage by stage (tagged bench, never
 * part of the test command; run pinned to one core by tools/clip-cost). Each run re-muxes the clip with a different
 * comment so the result cache never answers.
 */
@Tag("bench")
@QuarkusTest
@QuarkusTestResource(GuardServiceProcess.class)
class ClipCostBench {

    static final Path DIR = Path.of("target/clip-cost");

    @Inject
    VideoClassifier classifier;

    @Test
    void tenSecondsOf720pWithAudio() throws Exception {
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("caption.txt"), "Spring garden show: tulips, roses and a brass band");
        run("espeak-ng", "-v", "en-us+klatt", "-s", "130", "-w", DIR.resolve("narration.wav").toString(),
                "welcome to the garden show where the tulips are in bloom and the band is playing all afternoon");
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-i", DIR.resolve("narration.wav").toString(),
                "-t", "10", "-vf", "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:textfile="
                        + DIR.resolve("caption.txt").toAbsolutePath() + ":fontsize=40:fontcolor=black:box=1:boxcolor=white@0.8:x=(w-text_w)/2:y=h/12"
                        + ":enable='between(t,3,7)'",
                "-map", "0:v", "-map", "1:a", "-af", "apad", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                DIR.resolve("clip.mp4").toString());
        int runs = Integer.getInteger("clip-cost.runs", 4);
        for (int i = 0; i <= runs; i++) {
            Path copy = DIR.resolve("run.mp4");
            run("ffmpeg", "-loglevel", "error", "-y", "-i", DIR.resolve("clip.mp4").toString(), "-c", "copy", "-metadata", "comment=run " + i,
                    copy.toString());
            ClassifyVideoResponse r = classifier.classifyVideo(Files.readAllBytes(copy), "clip-cost");
            VideoClassifier.Costs c = classifier.lastCosts();
            FrameAnalyzer.StageTimes f = c.frames();
            long known = f.pdqNanos() + f.modelNanos() + f.facesNanos() + c.ocrNanos() + c.audioDecodeNanos() + c.asrNanos() + c.screenNanos();
            System.out.printf(Locale.ROOT, "clip-cost %s: total %.2f s | image model %.2f s (%d frames) | PDQ %.2f | faces %.2f | OCR %.2f (%d reads)"
                    + " | audio decode %.2f | ASR %.2f | screening %.2f | video decode and the rest %.2f | %s%n",
                    i == 0 ? "warm-up" : "run " + i, c.totalNanos() / 1e9, f.modelNanos() / 1e9, r.getFramesSampled(), f.pdqNanos() / 1e9,
                    f.facesNanos() / 1e9, c.ocrNanos() / 1e9, c.ocrFrames(), c.audioDecodeNanos() / 1e9, c.asrNanos() / 1e9, c.screenNanos() / 1e9,
                    (c.totalNanos() - known) / 1e9, r.getVerdict().getDecision());
        }
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + log);
        }
    }
}
