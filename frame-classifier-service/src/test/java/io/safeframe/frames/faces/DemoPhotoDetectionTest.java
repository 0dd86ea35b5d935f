package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.frames.classify.ClassifierPolicy;
import io.safeframe.frames.media.Frame;

/**
 * Detection measured on the only labelled faces we can honestly have: the 22 faces of the six face-api demo photos,
 * marked by hand (src/test/resources/faces/demo-photo-faces.json says how). A face counts as found when a detection
 * box contains its marked centre (each face and each box used once). All 22 people look adult, so this also gives the
 * share of adult faces the age net puts under 18 / under 21 — the minors rule's false-alarm rate on adults in
 * signalled frames. It measures nothing about minors (no labelled minors exist here). Numbers: docs/video-moderation.md.
 */
class DemoPhotoDetectionTest {

    @Test
    void recallFalseDetectionsAndAdultAgesOnTheDemoPhotos() throws Exception {
        JsonNode labels;
        try (InputStream in = getClass().getResourceAsStream("/faces/demo-photo-faces.json")) {
            labels = new ObjectMapper().readTree(in).path("faces");
        }
        FaceAges faces = FaceAges.fromClasspath();
        MinorsPolicy policy = ClassifierPolicy.fromClasspath().minors();
        int marked = 0;
        int found = 0;
        int falseBoxes = 0;
        int underMinor = 0;
        int underUncertain = 0;
        long nanos = 0;
        List<String> ages = new ArrayList<>();
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) labels::fields) {
            Frame f = DemoPhotos.load(e.getKey());
            long t0 = System.nanoTime();
            List<FaceAges.Face> detected = new ArrayList<>(faces.faces(f, policy.faceScoreMin()));
            nanos += System.nanoTime() - t0;
            for (JsonNode centre : e.getValue()) {
                marked++;
                double cx = centre.get(0).asDouble();
                double cy = centre.get(1).asDouble();
                FaceAges.Face hit = detected.stream().filter(d -> d.box().x() <= cx && cx <= d.box().right() && d.box().y() <= cy
                        && cy <= d.box().bottom()).findFirst().orElse(null);
                if (hit != null) {
                    detected.remove(hit);
                    found++;
                    underMinor += policy.minor(hit.age()) ? 1 : 0;
                    underUncertain += policy.uncertain(hit.age()) ? 1 : 0;
                    ages.add(String.format(Locale.ROOT, "%.1f", hit.age()));
                }
            }
            falseBoxes += detected.size();
        }
        System.out.printf(Locale.ROOT, "faces on demo photos: %d/%d found (recall %.2f), %d false boxes; adult faces under %.0f: %d/%d, under %.0f: %d/%d;"
                + " ages %s; %.0f ms per 1920-px photo (detect + ages)%n", found, marked, found / (double) marked, falseBoxes, policy.minorAge(),
                underMinor, found, policy.uncertainAge(), underUncertain, found, ages, nanos / 1e6 / labels.size());
        assertEquals(22, marked);
        // what was measured when the labels were made (19 found, 1 false box, 2 adults under 18, 3 under 21): a change means
        // the detector, its input or the labels changed — remeasure and update docs/video-moderation.md
        assertEquals(19, found, "recall changed");
        assertEquals(1, falseBoxes, "false detections changed");
        assertEquals(2, underMinor);
        assertEquals(3, underUncertain);
        assertTrue(found / (double) marked > 0.8);
    }
}
