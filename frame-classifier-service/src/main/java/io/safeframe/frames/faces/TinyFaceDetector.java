package io.safeframe.frames.faces;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.Ops;
import io.safeframe.frames.model.Tensor;

/**
 * face-api's TinyFaceDetector: a Tiny-YOLOv2-style detector with depthwise-separable convolutions (3×3 conv 3→16,
 * then five separable 3×3 blocks to 512 channels with 2×2 max pooling, leaky ReLU 0.1, a 1×1 conv to 13×13 cells ×
 * 5 anchors × (x, y, w, h, objectness)). Box decoding and non-maximum suppression (IoU 0.4) as face-api's
 * TinyYolov2Base.detect. Input: the frame padded at the bottom/right to a square and resized to {@link #INPUT_SIZE}.
 */
public final class TinyFaceDetector {

    /** face-api's default; faces smaller than ≈ 1/20 of the frame's longer side are mostly missed at this size. */
    public static final int INPUT_SIZE = 416;
    static final float[] MEAN_RGB = { 117.001f, 114.697f, 97.404f };
    private static final double[][] ANCHORS = { { 1.603231, 2.094468 }, { 6.041143, 7.080126 }, { 2.882459, 3.518061 },
            { 4.266906, 5.178857 }, { 9.041765, 10.66308 } };
    private static final double IOU_THRESHOLD = 0.4;
    private static final float LEAK = 0.1f;

    private final WeightFile w;

    TinyFaceDetector(InputStream manifest, InputStream shard) throws IOException {
        this.w = new WeightFile("tiny_face_detector_model", manifest, shard);
        for (String layer : List.of("conv0/filters", "conv1/depthwise_filter", "conv5/pointwise_filter", "conv8/filters")) {
            w.shape(layer); // refuse a manifest of some other network at load, not at the first frame
        }
        if (w.shape("conv8/filters")[3] != ANCHORS.length * 5) {
            throw new IOException("tiny_face_detector_model: conv8 has " + w.shape("conv8/filters")[3] + " outputs, expected 25");
        }
    }

    /** Faces with objectness over minScore, strongest first, boxes in frame pixels. */
    public List<FaceBox> detect(Frame f, double minScore) {
        if (f.width() < 1 || f.height() < 1) {
            throw new IllegalArgumentException("frame has no pixels (" + f.width() + "×" + f.height() + ")");
        }
        Tensor out = forward(NetInput.square(f, 0, 0, f.width(), f.height(), INPUT_SIZE, false, MEAN_RGB));
        return decode(out, f.width(), f.height(), minScore);
    }

    /** The raw network output (cells × cells × 25) for an input already prepared (parity tests). */
    Tensor forward(Tensor x) {
        Tensor out = Ops.leakyInPlace(conv(x, "conv0", false), LEAK);
        out = Ops.maxPool(out, 2, 2, true);
        for (int i = 1; i <= 5; i++) {
            out = separable(out, "conv" + i);
            out = Ops.maxPool(out, 2, i == 5 ? 1 : 2, true);
        }
        return conv(out, "conv8", false);
    }

    private Tensor conv(Tensor x, String layer, boolean same) {
        return Ops.conv2d(x, w.get(layer + "/filters"), w.shape(layer + "/filters"), w.get(layer + "/bias"), 1, same);
    }

    /** face-api pads by one and runs VALID, which for a 3×3 stride-1 kernel equals SAME. */
    private Tensor separable(Tensor x, String layer) {
        Tensor d = Ops.depthwise(x, w.get(layer + "/depthwise_filter"), w.shape(layer + "/depthwise_filter"), 1, true);
        Tensor p = Ops.conv2d(d, w.get(layer + "/pointwise_filter"), w.shape(layer + "/pointwise_filter"), w.get(layer + "/bias"), 1, true);
        return Ops.leakyInPlace(p, LEAK);
    }

    static List<FaceBox> decode(Tensor out, int imageWidth, int imageHeight, double minScore) {
        int cells = out.h();
        // the image filled the top-left of the padded square: face-api rescales by inputSize / reshaped size
        double scale = (double) INPUT_SIZE / Math.max(imageWidth, imageHeight);
        double corrX = (double) INPUT_SIZE / Math.round(imageWidth * scale);
        double corrY = (double) INPUT_SIZE / Math.round(imageHeight * scale);
        float[] v = out.data();
        List<FaceBox> found = new ArrayList<>();
        for (int row = 0; row < cells; row++) {
            for (int col = 0; col < cells; col++) {
                for (int a = 0; a < ANCHORS.length; a++) {
                    int base = ((row * cells + col) * ANCHORS.length + a) * 5;
                    double score = sigmoid(v[base + 4]);
                    if (score <= minScore) {
                        continue;
                    }
                    double cx = (col + sigmoid(v[base])) / cells * corrX;
                    double cy = (row + sigmoid(v[base + 1])) / cells * corrY;
                    double bw = Math.exp(v[base + 2]) * ANCHORS[a][0] / cells * corrX;
                    double bh = Math.exp(v[base + 3]) * ANCHORS[a][1] / cells * corrY;
                    found.add(new FaceBox((cx - bw / 2) * imageWidth, (cy - bh / 2) * imageHeight, bw * imageWidth, bh * imageHeight, score));
                }
            }
        }
        return suppress(found);
    }

    /** Greedy non-maximum suppression: keep the strongest, drop boxes overlapping it by IoU > 0.4, repeat. */
    static List<FaceBox> suppress(List<FaceBox> boxes) {
        List<FaceBox> left = new ArrayList<>(boxes);
        left.sort(Comparator.comparingDouble(FaceBox::score).reversed());
        List<FaceBox> kept = new ArrayList<>();
        while (!left.isEmpty()) {
            FaceBox best = left.remove(0);
            kept.add(best);
            left.removeIf(b -> best.iou(b) > IOU_THRESHOLD);
        }
        return kept;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
