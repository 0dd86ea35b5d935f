package io.safeframe.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Fixture;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.GenerateResponse;
import io.safeframe.api.v1.MutinyVideoGeneratorGrpc.MutinyVideoGeneratorStub;

/**
 * The test fixture: a caption the prompt never said, burnt into the frames, and a narration muxed as audio. Read
 * back with the real tools (tesseract on a decoded frame, ffprobe for the audio stream), not by trusting the code.
 */
@QuarkusTest
class FixtureTest {

    @GrpcClient("self")
    MutinyVideoGeneratorStub generator;

    private Path generate(Fixture fixture) throws Exception {
        GenerateResponse r = generator.generate(GenerateRequest.newBuilder().setPrompt("a quiet lake at dawn").setDurationSeconds(3)
                .setAspect("16:9").setFixture(fixture).build()).await().atMost(Duration.ofSeconds(90));
        Path file = Files.createTempFile("fixture", ".mp4");
        Files.write(file, r.getVideo().toByteArray());
        return file;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void captionIsReadableByOcrAndNarrationIsAnAudioTrack() throws Exception {
        Path clip = generate(Fixture.newBuilder().setCaption("Visit the harbour museum every Sunday afternoon")
                .setNarration("the museum opens at nine").build());
        // the caption's part of the frame (top third): on the whole frame tesseract's layout analysis found nothing
        Path png = Files.createTempFile("frame", ".png");
        run("ffmpeg", "-loglevel", "error", "-y", "-ss", "1", "-i", clip.toString(), "-vf", "crop=iw:ih/3:0:0", "-frames:v", "1", png.toString());
        Files.copy(png, Path.of("target/fixture-frame.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String text = run("tesseract", png.toString(), "stdout", "-l", "eng", "--psm", "3").toLowerCase().replaceAll("\\s+", " ");
        assertTrue(text.contains("harbour museum") && text.contains("afternoon"), "read: " + text);
        String streams = run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration", "-of", "csv=p=0",
                clip.toString());
        assertTrue(streams.contains("aac,audio"), "streams: " + streams);
        Files.delete(png);
        Files.delete(clip);
    }

    @Test
    void withoutAFixtureThereIsNoAudioAndHostileCaptionTextIsOnlyText() throws Exception {
        Path plain = generate(Fixture.getDefaultInstance());
        assertTrue(!run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", plain.toString()).contains("audio"));
        // drawtext expansions and filter syntax in the caption must not be interpreted
        Path odd = generate(Fixture.newBuilder().setCaption("%{localtime} ':,[x];\\ \u202e\u0000 --help").build());
        assertTrue(Files.size(odd) > 10_000);
        Files.delete(plain);
        Files.delete(odd);
    }
}
