package io.safeframe.frames.faces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.safeframe.frames.media.Frame;

/**
 * Faces and their descriptors in one frame, as face-api's descriptor pipeline (detectAllFaces → withFaceLandmarks(true)
 * → withFaceDescriptors): {@link TinyFaceDetector}, the tiny 68-point {@link LandmarkNet} on each detection box, and
 * {@link FaceDescriptorNet} on the box the landmarks give (dlib-style alignment: placed by the eyes and mouth, so it
 * moves far less with the image than the detection box does). Weights from npm @vladmandic/face-api 1.7.15 (MIT),
 * unpacked at build time by tools/face-model/build-model. Descriptors are biometric data: this class computes them and
 * nothing here logs them.
 */
public final class FaceDescriptors {

    public static final String MODEL_ID = "face-api-1.7.15:tiny-face-detector+landmark-68-tiny+face-recognition";

    /** A face, its detection box in frame pixels and its 128-number descriptor. */
    public record Described(FaceBox box, float[] descriptor) {
    }

    private final TinyFaceDetector detector;
    private final LandmarkNet landmarks;
    private final FaceDescriptorNet net;

    FaceDescriptors(TinyFaceDetector detector, LandmarkNet landmarks, FaceDescriptorNet net) {
        this.detector = detector;
        this.landmarks = landmarks;
        this.net = net;
    }

    public static FaceDescriptors fromClasspath() {
        try {
            return new FaceDescriptors(new TinyFaceDetector(FaceAges.resource("tiny_face_detector_model-weights_manifest.json"),
                    FaceAges.resource("tiny_face_detector_model.bin")),
                    new LandmarkNet(FaceAges.resource("face_landmark_68_tiny_model-weights_manifest.json"),
                            FaceAges.resource("face_landmark_68_tiny_model.bin")),
                    new FaceDescriptorNet(FaceAges.resource("face_recognition_model-weights_manifest.json"),
                            FaceAges.resource("face_recognition_model.bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Faces scoring over minScore, strongest first, each with its descriptor (faces cut off entirely are skipped). */
    public List<Described> describe(Frame f, double minScore) {
        List<Described> out = new ArrayList<>();
        for (FaceBox b : detector.detect(f, minScore)) {
            float[] d = describe(f, b);
            if (d != null) {
                out.add(new Described(b, d));
            }
        }
        return out;
    }

    /** The descriptor of a face whose detection box is known: cut from its landmark-aligned box; null if none is left. */
    public float[] describe(Frame f, FaceBox box) {
        FaceBox aligned = aligned(f, box);
        return aligned == null ? null : net.describe(f, aligned);
    }

    /** The box face-api cuts for the descriptor (landmarks.align with dlib alignment), or null when the box is off-frame. */
    FaceBox aligned(Frame f, FaceBox box) {
        double[] pts = landmarks.landmarks(f, box);
        return pts == null ? null : LandmarkNet.alignedBox(pts, box.score());
    }

    public List<FaceBox> detect(Frame f, double minScore) {
        return detector.detect(f, minScore);
    }

    /** Euclidean distance, the measure face-api's threshold (0.6 by default) and ours are stated in. */
    public static double distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("descriptors of " + a.length + " and " + b.length + " numbers");
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    FaceDescriptorNet net() {
        return net;
    }

    LandmarkNet landmarkNet() {
        return landmarks;
    }
}
