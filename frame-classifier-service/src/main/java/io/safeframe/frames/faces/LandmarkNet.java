package io.safeframe.frames.faces;

import java.io.IOException;
import java.io.InputStream;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.Ops;
import io.safeframe.frames.model.Tensor;

/**
 * face-api's FaceLandmark68TinyNet, used only to place the descriptor's crop as face-api does: three dense blocks of
 * depthwise-separable convolutions (32, 64, 128 channels, each halving the size), 14×14 average pooling and a linear
 * layer giving 68 (x, y) points relative to the face crop (112×112, centred square, (value − mean) / 255). From the
 * eye and mouth centres, {@link #alignedBox} gives face-api's dlib-style box (FaceLandmarks.alignDlib): a square sized
 * by the eye-to-mouth distance, around the three centres' mean.
 */
final class LandmarkNet {

    static final int INPUT_SIZE = 112;
    static final float[] MEAN_RGB = { 122.782f, 117.001f, 104.298f };
    private static final double REL_X = 0.5;
    private static final double REL_Y = 0.43;
    private static final double REL_SCALE = 0.45;

    private final WeightFile w;

    LandmarkNet(InputStream manifest, InputStream shard) throws IOException {
        this.w = new WeightFile("face_landmark_68_tiny_model", manifest, shard);
        for (String layer : new String[] { "dense0/conv0/filters", "dense2/conv2/pointwise_filter", "fc/weights" }) {
            w.shape(layer);
        }
        if (w.shape("fc/weights")[1] != 136) {
            throw new IOException("face_landmark_68_tiny_model: fc gives " + w.shape("fc/weights")[1] + " outputs, expected 136");
        }
    }

    /** The 68 points in frame pixels ({x0, y0, x1, y1, …}), or null when the box has no pixels in the frame. */
    double[] landmarks(Frame f, FaceBox box) {
        int[] c = NetInput.clip(f, box);
        if (c == null) {
            return null;
        }
        float[] out = forward(NetInput.square(f, c[0], c[1], c[2], c[3], INPUT_SIZE, true, MEAN_RGB));
        // FaceLandmark68NetBase.postProcess: undo the centred padding, relative to the crop; then × crop size + box origin
        double scale = (double) INPUT_SIZE / Math.max(c[2], c[3]);
        double w = c[2] * scale;
        double h = c[3] * scale;
        double padX = w < h ? Math.abs(w - h) / 2 : 0;
        double padY = h < w ? Math.abs(w - h) / 2 : 0;
        double[] pts = new double[136];
        for (int i = 0; i < 68; i++) {
            double rx = (out[2 * i] * (float) INPUT_SIZE - padX) / w;
            double ry = (out[2 * i + 1] * (float) INPUT_SIZE - padY) / h;
            pts[2 * i] = rx * c[2] + box.x();
            pts[2 * i + 1] = ry * c[3] + box.y();
        }
        return pts;
    }

    /** The raw 136 outputs for an input already prepared (parity tests). */
    float[] forward(Tensor x) {
        Tensor out = dense(x, "dense0", true);
        out = dense(out, "dense1", false);
        out = dense(out, "dense2", false);
        Tensor pooled = Ops.averagePool(out, 14, 2);
        return Ops.dense(pooled, w.get("fc/weights"), w.shape("fc/weights"), w.get("fc/bias"), "linear").data();
    }

    /** face-api's denseBlock3: out1 (stride 2), out2 = sep(out1), out3 = sep(relu(out1 + out2)), relu(out1 + out2 + out3). */
    private Tensor dense(Tensor x, String block, boolean first) {
        Tensor out1 = first
                ? Ops.conv2d(x, w.get(block + "/conv0/filters"), w.shape(block + "/conv0/filters"), w.get(block + "/conv0/bias"), 2, true)
                : separable(x, block + "/conv0", 2);
        out1 = Ops.relu(out1, Float.MAX_VALUE);
        Tensor out2 = separable(out1, block + "/conv1", 1);
        Tensor out3 = separable(Ops.relu(Ops.add(out1, out2), Float.MAX_VALUE), block + "/conv2", 1);
        return Ops.relu(Ops.add(out1, Ops.add(out2, out3)), Float.MAX_VALUE);
    }

    private Tensor separable(Tensor x, String layer, int stride) {
        Tensor d = Ops.depthwise(x, w.get(layer + "/depthwise_filter"), w.shape(layer + "/depthwise_filter"), stride, true);
        return Ops.conv2d(d, w.get(layer + "/pointwise_filter"), w.shape(layer + "/pointwise_filter"), w.get(layer + "/bias"), 1, true);
    }

    /** Centres of the left eye (points 36–41), right eye (42–47) and mouth (48–67): {lx, ly, rx, ry, mx, my}. */
    static double[] eyesAndMouth(double[] pts) {
        return new double[] { mean(pts, 36, 42, 0), mean(pts, 36, 42, 1), mean(pts, 42, 48, 0), mean(pts, 42, 48, 1), mean(pts, 48, 68, 0),
                mean(pts, 48, 68, 1) };
    }

    /** FaceLandmarks.alignDlib: size = floor(mean eye-to-mouth distance / 0.45), placed at 0.5 / 0.43 of it around the centres' mean. */
    static FaceBox alignedBox(double[] pts, double score) {
        double[] c = eyesAndMouth(pts);
        double eyeToMouth = (Math.hypot(c[4] - c[0], c[5] - c[1]) + Math.hypot(c[4] - c[2], c[5] - c[3])) / 2;
        int size = (int) Math.floor(eyeToMouth / REL_SCALE);
        double refX = (c[0] + c[2] + c[4]) / 3;
        double refY = (c[1] + c[3] + c[5]) / 3;
        double x = Math.floor(Math.max(0, refX - REL_X * size));
        double y = Math.floor(Math.max(0, refY - REL_Y * size));
        return new FaceBox(x, y, size, size, score);
    }

    private static double mean(double[] pts, int from, int to, int axis) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += pts[2 * i + axis];
        }
        return s / (to - from);
    }
}
