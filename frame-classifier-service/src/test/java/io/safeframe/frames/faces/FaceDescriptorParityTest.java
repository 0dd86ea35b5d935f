package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.safeframe.frames.media.Frame;

/**
 * The Java landmark and descriptor nets against face-api on the real TF.js (reference.jsonl, written by
 * tools/face-model/make-reference): raw outputs for gradient patterns, and for every face the reference detected in the
 * six demo photos face-api's whole descriptor pipeline (withFaceLandmarks(true).withFaceDescriptors()): eye and mouth
 * centres, the aligned box, the descriptor. The descriptor tolerance is stated against the match threshold: 0.01 in
 * Euclidean distance is far below the calibrated distances (0.38 / 0.48).
 */
class FaceDescriptorParityTest {

    static FaceDescriptors faces;

    @BeforeAll
    static void load() throws Exception {
        FaceParityTest.load();
        faces = FaceDescriptors.fromClasspath();
    }

    @Test
    void patternOutputsMatchTfjs() {
        JsonNode expected = FaceParityTest.ref("raw", "descriptor-pattern").path("descriptor");
        float[] d = faces.net().forward(NetInput.square(FaceParityTest.pattern(150), 0, 0, 150, 150, 150, true, FaceDescriptorNet.MEAN_RGB,
                FaceDescriptorNet.DIVISOR));
        assertEquals(FaceDescriptorNet.DIMENSIONS, d.length);
        assertEquals(FaceDescriptorNet.DIMENSIONS, expected.size());
        double worst = 0;
        for (int i = 0; i < d.length; i++) {
            assertEquals(expected.get(i).asDouble(), d[i], 1e-3, "descriptor number " + i);
            worst = Math.max(worst, Math.abs(expected.get(i).asDouble() - d[i]));
        }
        JsonNode lm = FaceParityTest.ref("raw", "landmark-pattern").path("values");
        float[] out = faces.landmarkNet().forward(NetInput.square(FaceParityTest.pattern(112), 0, 0, 112, 112, 112, true, LandmarkNet.MEAN_RGB, 255f));
        assertEquals(136, lm.size());
        double worstLm = 0;
        for (int i = 0; i < out.length; i++) {
            assertEquals(lm.get(i).asDouble(), out[i], 1e-4, "landmark output " + i);
            worstLm = Math.max(worstLm, Math.abs(lm.get(i).asDouble() - out[i]));
        }
        System.out.printf(Locale.ROOT, "face descriptor parity (pattern): max |Δ| = %.2e; landmarks (pattern): max |Δ| = %.2e%n", worst, worstLm);
    }

    @Test
    void demoPhotoPipelineMatchesTfjs() throws Exception {
        int compared = 0;
        double worstPoint = 0;
        double worstDistance = 0;
        for (JsonNode r : FaceParityTest.reference) {
            if (!r.path("image").asText().startsWith("sample")) {
                continue;
            }
            Frame f = DemoPhotos.load(r.path("image").asText());
            List<FaceBox> boxes = faces.detect(f, 0.5);
            for (JsonNode e : r.path("faces")) {
                FaceBox box = boxes.stream().min((a, b) -> Double.compare(FaceParityTest.distance(a, e), FaceParityTest.distance(b, e))).orElseThrow();
                assertTrue(FaceParityTest.distance(box, e) < 1.0, r.path("image").asText() + ": no face within 1 px of " + e.path("x"));
                double[] centres = LandmarkNet.eyesAndMouth(faces.landmarkNet().landmarks(f, box));
                for (int i = 0; i < 6; i++) {
                    double expected = e.path("eyes_mouth").get(i / 2).get(i % 2).asDouble();
                    assertEquals(expected, centres[i], 0.05, r.path("image").asText() + " eye/mouth centre " + i);
                    worstPoint = Math.max(worstPoint, Math.abs(expected - centres[i]));
                }
                FaceBox aligned = faces.aligned(f, box);
                JsonNode a = e.path("aligned");
                assertEquals(a.get(0).asDouble(), aligned.x(), 0, "aligned x");
                assertEquals(a.get(1).asDouble(), aligned.y(), 0, "aligned y");
                assertEquals(a.get(2).asDouble(), aligned.width(), 0, "aligned size");
                float[] d = faces.describe(f, box);
                float[] expected = new float[FaceDescriptorNet.DIMENSIONS];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (float) e.path("descriptor").get(i).asDouble();
                }
                double dist = FaceDescriptors.distance(expected, d);
                worstDistance = Math.max(worstDistance, dist);
                // the reference is rounded to 4 decimals: ≤ 5e-5 per number from rounding alone
                assertTrue(dist < 0.01, r.path("image").asText() + ": descriptor " + dist + " from TF.js's");
                compared++;
            }
        }
        assertEquals(20, compared, "faces compared over the six photos");
        System.out.printf(Locale.ROOT, "face descriptor parity on demo photos: %d faces, eye/mouth centres within %.1e px, aligned boxes equal,"
                + " max descriptor distance to TF.js %.2e%n", compared, worstPoint, worstDistance);
    }
}
