package io.safeframe.frames.faces;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.safeframe.frames.media.Frame;

/**
 * Faces and their apparent ages in one frame: {@link TinyFaceDetector} then {@link AgeNet} on each face. Weights from
 * npm @vladmandic/face-api 1.7.15 (MIT), unpacked at build time by tools/face-model/build-model into model/face-api/.
 * This only measures; what an apparent age means for a verdict is decided in the classifier policy (minors section).
 */
public final class FaceAges {

    public static final String MODEL_ID = "face-api-tiny-face-detector+age";
    private static final String RESOURCES = "model/face-api/";

    /** A face and its apparent age in years (NaN when the box lies outside the frame). */
    public record Face(FaceBox box, double age) {
    }

    private final TinyFaceDetector detector;
    private final AgeNet ages;

    public FaceAges(TinyFaceDetector detector, AgeNet ages) {
        this.detector = detector;
        this.ages = ages;
    }

    public static FaceAges fromClasspath() {
        try {
            return new FaceAges(new TinyFaceDetector(resource("tiny_face_detector_model-weights_manifest.json"),
                    resource("tiny_face_detector_model.bin")),
                    new AgeNet(resource("age_gender_model-weights_manifest.json"), resource("age_gender_model.bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream resource(String name) throws IOException {
        try (InputStream in = FaceAges.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("face model file " + RESOURCES + name
                        + " missing from the classpath; it is unpacked by tools/face-model/build-model during the Maven build");
            }
            return new ByteArrayInputStream(in.readAllBytes());
        }
    }

    /** Faces scoring over minScore, strongest first, each with its apparent age. */
    public List<Face> faces(Frame f, double minScore) {
        List<Face> out = new ArrayList<>();
        for (FaceBox b : detector.detect(f, minScore)) {
            out.add(new Face(b, ages.age(f, b)));
        }
        return out;
    }

    TinyFaceDetector detector() {
        return detector;
    }

    AgeNet ageNet() {
        return ages;
    }
}
