package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.Tensor;

/**
 * The Java face detector and age net against face-api's own code on the real TF.js (4.22.0, CPU backend):
 * src/test/resources/faces/reference.jsonl, written by tools/face-model/make-reference. Inputs: a gradient pattern
 * (raw network outputs), two built-in images without faces, and the six demo photos shipped in the same npm package
 * (unpacked by the build into target/face-samples, decoded here by ImageIO exactly as make-reference decoded them).
 */
class FaceParityTest {

    static FaceAges faces;
    static List<JsonNode> reference = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        if (faces != null) {
            return; // FaceDescriptorParityTest shares the reference
        }
        faces = FaceAges.fromClasspath();
        try (InputStream in = FaceParityTest.class.getResourceAsStream("/faces/reference.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    reference.add(new ObjectMapper().readTree(line));
                }
            }
        }
    }

    static JsonNode ref(String field, String value) {
        return reference.stream().filter(j -> j.path(field).asText().equals(value)).findFirst()
                .orElseThrow(() -> new AssertionError("reference.jsonl has no " + field + " " + value));
    }

    static Frame pattern(int size) {
        byte[] px = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = (y * size + x) * 3;
                px[i] = (byte) (x % 256);
                px[i + 1] = (byte) (y % 256);
                px[i + 2] = (byte) ((x + y) % 256);
            }
        }
        return new Frame(0, 0, size, size, 3, px);
    }

    @Test
    void detectorRawOutputMatchesTfjs() {
        JsonNode r = ref("raw", "detector-pattern");
        Frame f = pattern(416);
        Tensor out = faces.detector().forward(NetInput.square(f, 0, 0, 416, 416, 416, false, TinyFaceDetector.MEAN_RGB));
        assertEquals(13, out.h());
        assertEquals(25, out.c());
        int every = r.path("every").asInt();
        double worst = 0;
        int n = 0;
        for (JsonNode v : r.path("values")) {
            double expected = v.asDouble();
            double actual = out.data()[n * every];
            assertEquals(expected, actual, 2e-3 + 1e-4 * Math.abs(expected), "raw output " + n * every);
            worst = Math.max(worst, Math.abs(expected - actual));
            n++;
        }
        assertEquals((out.data().length + every - 1) / every, n, "every value compared");
        System.out.printf("face detector parity: %d raw outputs, max |Δ| = %.2e%n", n, worst);
    }

    @Test
    void ageNetMatchesTfjs() {
        double expected = ref("raw", "age-pattern").path("age").asDouble();
        double age = faces.ageNet().forward(NetInput.square(pattern(112), 0, 0, 112, 112, 112, true, AgeNet.MEAN_RGB));
        assertEquals(expected, age, 0.01);
    }

    @Test
    void demoPhotosGiveTfjsFacesAndAges() throws Exception {
        int compared = 0;
        double worstBox = 0;
        double worstAge = 0;
        for (JsonNode r : reference) {
            if (!r.path("image").asText().startsWith("sample")) {
                continue;
            }
            Frame f = DemoPhotos.load(r.path("image").asText());
            assertEquals(r.path("sha256").asText(), sha256(f.pixels()), r.path("image").asText()
                    + ": ImageIO decoded other pixels than when the reference was made; rerun tools/face-model/make-reference");
            List<FaceAges.Face> found = faces.faces(f, 0.5);
            assertEquals(r.path("faces").size(), found.size(), r.path("image").asText() + " face count");
            for (JsonNode e : r.path("faces")) {
                FaceAges.Face match = found.stream().min((a, b) -> Double.compare(distance(a.box(), e), distance(b.box(), e))).orElseThrow();
                assertTrue(distance(match.box(), e) < 1.0, r.path("image").asText() + ": no face within 1 px of " + e);
                assertEquals(e.path("score").asDouble(), match.box().score(), 1e-3);
                assertEquals(e.path("age").asDouble(), match.age(), 0.05, r.path("image").asText() + " age of " + e);
                worstBox = Math.max(worstBox, distance(match.box(), e));
                worstAge = Math.max(worstAge, Math.abs(e.path("age").asDouble() - match.age()));
                compared++;
            }
        }
        assertEquals(20, compared, "faces compared over the six photos");
        System.out.printf("face parity on demo photos: %d faces, max box Δ %.3f px, max age Δ %.4f y%n", compared, worstBox, worstAge);
    }

    @Test
    void framesWithoutFacesGiveNone() {
        JsonNode grey = ref("image", "flat-grey");
        JsonNode tiny = ref("image", "tiny");
        byte[] flat = new byte[640 * 360 * 3];
        java.util.Arrays.fill(flat, (byte) 128);
        assertEquals(grey.path("faces").size(), faces.faces(new Frame(0, 0, 640, 360, 3, flat), 0.5).size());
        assertEquals(0, grey.path("faces").size());
        byte[] px = { 0, 50, 100, (byte) 150, (byte) 200, (byte) 250, 10, 60, 110, (byte) 160, (byte) 210, (byte) 255, 20, 70, 120,
                (byte) 170, (byte) 220, 5 };
        assertEquals(tiny.path("sha256").asText(), sha256(px));
        assertEquals(0, faces.faces(new Frame(0, 0, 3, 2, 3, px), 0.5).size());
        assertEquals(0, tiny.path("faces").size());
    }

    static double distance(FaceBox b, JsonNode e) {
        return Math.max(Math.max(Math.abs(b.x() - e.path("x").asDouble()), Math.abs(b.y() - e.path("y").asDouble())),
                Math.max(Math.abs(b.width() - e.path("width").asDouble()), Math.abs(b.height() - e.path("height").asDouble())));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
