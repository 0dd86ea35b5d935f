package io.safeframe.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.GenerateResponse;
import io.safeframe.api.v1.MutinyVideoGeneratorGrpc.MutinyVideoGeneratorStub;

@QuarkusTest
class SyntheticGeneratorTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @GrpcClient("self")
    MutinyVideoGeneratorStub generator;

    private GenerateResponse generate(String prompt, int seconds, String aspect) {
        return generator.generate(GenerateRequest.newBuilder().setPrompt(prompt).setDurationSeconds(seconds).setAspect(aspect).build())
                .await().atMost(WAIT);
    }

    @Test
    void sameRequestSameBytesOtherPromptOtherClip() {
        GenerateResponse a = generate("a lighthouse in a storm", 2, "16:9");
        GenerateResponse b = generate("a lighthouse in a storm", 2, "16:9");
        GenerateResponse c = generate("a lighthouse in the sun", 2, "16:9");
        assertArrayEquals(a.getVideo().toByteArray(), b.getVideo().toByteArray(), "deterministic");
        assertFalse(Arrays.equals(a.getVideo().toByteArray(), c.getVideo().toByteArray()));
        assertEquals("video/mp4", a.getMediaType());
        assertEquals(SyntheticGeneratorGrpcService.MODEL, a.getModel());
    }

    @Test
    void clipIsH264WithTheAskedSizeAndLength() throws Exception {
        GenerateResponse clip = generate("a red kite over green hills", 3, "9:16");
        Path file = Files.createTempFile("gen", ".mp4");
        Files.write(file, clip.getVideo().toByteArray());
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes()).strip();
        assertEquals(0, probe.waitFor());
        assertEquals("h264,360,640,72", out);
        assertEquals(72, clip.getFrames());
        assertTrue(clip.getVideo().size() > 10_000, "a real clip, not an empty container");
        Files.delete(file);
    }

    @Test
    void badRequestsAreRefusedWithReasons() {
        assertRefused("", 2, "16:9", "prompt is empty");
        assertRefused("a cat", 0, "16:9", "duration_seconds");
        assertRefused("a cat", 61, "16:9", "duration_seconds");
        assertRefused("a cat", 2, "4:3", "aspect");
    }

    private void assertRefused(String prompt, int seconds, String aspect, String why) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> generate(prompt, seconds, aspect));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(why), e.getStatus().getDescription());
    }
}
