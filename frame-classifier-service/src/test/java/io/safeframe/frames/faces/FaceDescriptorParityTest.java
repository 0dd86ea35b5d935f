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
 * The Java face descriptor net against face-api's FaceRecognitionNet on the real TF.js (reference.jsonl, written by
 * tools/face-model/make-reference): the raw descriptor of a gradient pattern, and the descriptor of every face the
 * reference detected in the six demo photos, cut from its detection box as both sides cut it (extractFaceTensors).
 * The tolerance is stated against the match threshold: a difference of 1e-3 per number moves a distance by at most
 * ≈ 0.011, far below the gap between genuine and impostor distances.
 */
class FaceDescriptorParityTest {

    static FaceDescriptors faces;

    @BeforeAll
    static void load() throws Exception {
        FaceParityTest.load();
        faces = FaceDescriptors.fromClasspath();
    }

    @Test
    void patternDescriptorMatchesTfjs() {
        JsonNode expected = FaceParityTest.ref("raw", "descriptor-pattern").path("descriptor");
        Frame f = FaceParityTest.pattern(150);
        float[] d = faces.net().forward(NetInput.square(f, 0, 0, 150, 150, 150, true, FaceDescriptorNet.MEAN_RGB, FaceDescriptorNet.DIVISOR));
        assertEquals(FaceDescriptorNet.DIMENSIONS, d.length);
        assertEquals(FaceDescriptorNet.DIMENSIONS, expected.size());
        double worst = 0;
        for (int i = 0; i < d.length; i++) {
            assertEquals(expected.get(i).asDouble(), d[i], 1e-3, "descriptor number " + i);
            worst = Math.max(worst, Math.abs(expected.get(i).asDouble() - d[i]));
        }
        System.out.printf(Locale.ROOT, "face descriptor parity (pattern): max |Δ| = %.2e%n", worst);
    }

    @Test
    void demoPhotoDescriptorsMatchTfjs() throws Exception {
        int compared = 0;
        double worstNumber = 0;
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
                float[] d = faces.describe(f, box);
                float[] expected = new float[FaceDescriptorNet.DIMENSIONS];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (float) e.path("descriptor").get(i).asDouble();
                    worstNumber = Math.max(worstNumber, Math.abs(expected[i] - d[i]));
                }
                double dist = FaceDescriptors.distance(expected, d);
                worstDistance = Math.max(worstDistance, dist);
                // the reference is rounded to 4 decimals: ≤ 5e-5 per number from rounding alone
                assertTrue(dist < 0.01, r.path("image").asText() + ": descriptor " + dist + " from TF.js's");
                compared++;
            }
        }
        assertEquals(20, compared, "faces compared over the six photos");
        System.out.printf(Locale.ROOT, "face descriptor parity on demo photos: %d faces, max |Δ| per number %.2e, max distance to TF.js %.2e%n",
                compared, worstNumber, worstDistance);
    }
}
