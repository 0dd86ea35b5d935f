package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.safeframe.frames.media.Frame;

/** Broken model files and degenerate frames fail loudly with a reason, never run on garbage. */
class FaceModelFilesTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = FaceModelFilesTest.class.getClassLoader().getResourceAsStream("model/face-api/" + name)) {
            if (in == null) {
                throw new AssertionError("model/face-api/" + name + " missing (built by tools/face-model/build-model)");
            }
            return in.readAllBytes();
        }
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    @Test
    void truncatedShardIsRefused() throws IOException {
        byte[] manifest = resource("tiny_face_detector_model-weights_manifest.json");
        byte[] shard = resource("tiny_face_detector_model.bin");
        IOException e = assertThrows(IOException.class,
                () -> new TinyFaceDetector(bytes(manifest), bytes(Arrays.copyOf(shard, shard.length / 2))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        IOException empty = assertThrows(IOException.class, () -> new AgeNet(bytes(resource("age_gender_model-weights_manifest.json")),
                bytes(new byte[0])));
        assertTrue(empty.getMessage().contains("age_gender_model"), empty.getMessage());
    }

    @Test
    void shardLongerThanItsManifestIsRefused() throws IOException {
        byte[] shard = resource("tiny_face_detector_model.bin");
        IOException e = assertThrows(IOException.class, () -> new TinyFaceDetector(
                bytes(resource("tiny_face_detector_model-weights_manifest.json")), bytes(Arrays.copyOf(shard, shard.length + 4))));
        assertTrue(e.getMessage().contains("the manifest describes " + shard.length), e.getMessage());
    }

    @Test
    void anotherNetworksWeightsAreRefusedAtLoad() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TinyFaceDetector(
                bytes(resource("age_gender_model-weights_manifest.json")), bytes(resource("age_gender_model.bin"))));
        assertTrue(e.getMessage().contains("conv0/filters"), e.getMessage());
        IllegalStateException d = assertThrows(IllegalStateException.class, () -> new FaceDescriptorNet(
                bytes(resource("age_gender_model-weights_manifest.json")), bytes(resource("age_gender_model.bin"))));
        assertTrue(d.getMessage().contains("conv32_down/conv/filters"), d.getMessage());
        IllegalStateException l = assertThrows(IllegalStateException.class, () -> new LandmarkNet(
                bytes(resource("age_gender_model-weights_manifest.json")), bytes(resource("age_gender_model.bin"))));
        assertTrue(l.getMessage().contains("dense0/conv0/filters"), l.getMessage());
    }

    @Test
    void unsupportedDtypeAndBrokenManifestAreRefused() throws IOException {
        String manifest = new String(resource("tiny_face_detector_model-weights_manifest.json"), StandardCharsets.UTF_8);
        IOException dtype = assertThrows(IOException.class, () -> new TinyFaceDetector(
                bytes(manifest.replaceFirst("\"uint8\"", "\"uint16\"").getBytes(StandardCharsets.UTF_8)),
                bytes(resource("tiny_face_detector_model.bin"))));
        assertTrue(dtype.getMessage().contains("unsupported dtype uint16"), dtype.getMessage());
        IOException none = assertThrows(IOException.class, () -> new TinyFaceDetector(bytes("[]".getBytes(StandardCharsets.UTF_8)),
                bytes(new byte[0])));
        assertTrue(none.getMessage().contains("no weight groups"), none.getMessage());
    }

    @Test
    void emptyFrameIsRefusedAndBoxesOutsideTheFrameHaveNoAge() throws IOException {
        FaceAges faces = FaceAges.fromClasspath();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> faces.faces(new Frame(0, 0, 0, 0, 3, new byte[0]), 0.5));
        assertTrue(e.getMessage().contains("no pixels"), e.getMessage());
        Frame f = new Frame(0, 0, 8, 8, 3, new byte[8 * 8 * 3]);
        assertTrue(Double.isNaN(faces.ageNet().age(f, new FaceBox(20, 20, 10, 10, 0.9))), "box right of the frame");
        assertTrue(Double.isNaN(faces.ageNet().age(f, new FaceBox(-30, -30, 10, 10, 0.9))), "box above-left of the frame");
        assertTrue(Double.isFinite(faces.ageNet().age(f, new FaceBox(-4, -4, 10, 10, 0.9))), "box overlapping the corner is cropped");
    }

    @Test
    void greyFramesWork() {
        FaceAges faces = FaceAges.fromClasspath();
        byte[] grey = new byte[64 * 48];
        Arrays.fill(grey, (byte) 90);
        assertEquals(0, faces.faces(new Frame(0, 0, 64, 48, 1, grey), 0.5).size());
    }
}
