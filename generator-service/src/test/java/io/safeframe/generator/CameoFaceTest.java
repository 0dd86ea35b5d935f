package io.safeframe.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.MutinyVideoGeneratorGrpc.MutinyVideoGeneratorStub;
import io.safeframe.generator.fixture.CameoFaces;

/**
 * The cameo fixture: a prompt naming a configured @handle, or asking for a person, gets that face photo in its
 * frames (checked on a decoded frame against the patch the fixture paints); other prompts get none.
 * application.properties (%test) maps lena_test and the person face.
 */
@QuarkusTest
class CameoFaceTest {

    static final String CAMEO = "sample3:682,506,340";
    static final String PERSON = "sample6:1240,498,340";

    @GrpcClient("self")
    MutinyVideoGeneratorStub generator;

    /** Mean absolute difference between the patch and the same square of frame 24 (1 s) of the prompt's clip. */
    double differenceFromPatch(String prompt, String face) throws Exception {
        byte[] mp4 = generator.generate(GenerateRequest.newBuilder().setPrompt(prompt).setDurationSeconds(2).setAspect("16:9").build())
                .await().atMost(Duration.ofSeconds(60)).getVideo().toByteArray();
        Path file = Files.createTempFile("cameo", ".mp4");
        try {
            Files.write(file, mp4);
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-vf", "select=eq(n\\,24)", "-frames:v", "1", "-f",
                    "rawvideo", "-pix_fmt", "rgb24", "-").start();
            byte[] frame = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor());
            assertEquals(640 * 360 * 3, frame.length);
            CameoFaces.Patch patch = CameoFaces.patch(face, 640, 360);
            long sum = 0;
            for (int r = 0; r < patch.side(); r++) {
                for (int c = 0; c < patch.side() * 3; c++) {
                    sum += Math.abs((frame[((patch.y() + r) * 640 + patch.x()) * 3 + c] & 0xff) - (patch.rgb()[r * patch.side() * 3 + c] & 0xff));
                }
            }
            return sum / (double) (patch.side() * patch.side() * 3);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aNamedCameoOrAPersonIsComposited() throws Exception {
        double cameo = differenceFromPatch("a walk on the beach with @lena_test", CAMEO);
        double person = differenceFromPatch("a portrait of a person laughing", PERSON);
        double none = differenceFromPatch("a walk on the beach", CAMEO);
        double unknown = differenceFromPatch("a walk on the beach with @nobody_here", CAMEO);
        assertTrue(cameo < 8, "the cameo's face is in the frame (mean |Δ| " + cameo + " after H.264)");
        assertTrue(person < 8, "a person prompt gets the person face (mean |Δ| " + person + ")");
        assertTrue(none > 30, "no face without a cameo or person (mean |Δ| " + none + ")");
        assertTrue(unknown > 30, "an unmapped handle gets no face (mean |Δ| " + unknown + ")");
    }

    @Test
    void facesAreChosenByHandleThenPerson() {
        CameoFaces faces = new CameoFaces(Map.of("Maria", CAMEO), Optional.of(PERSON));
        assertEquals(Optional.of(CAMEO), faces.faceFor("dancing with @maria and a man"), "a handle wins over a person");
        assertEquals(Optional.of(PERSON), faces.faceFor("a woman dancing"));
        assertEquals(Optional.empty(), faces.faceFor("a lighthouse in a storm"));
        assertEquals(Optional.empty(), new CameoFaces(Map.of(), Optional.empty()).faceFor("a woman dancing"), "no person face configured");
        assertThrows(IllegalArgumentException.class, () -> new CameoFaces(Map.of("x", "somefile.jpg"), Optional.empty()));
    }
}
