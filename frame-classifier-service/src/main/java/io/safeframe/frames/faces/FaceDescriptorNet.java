package io.safeframe.frames.faces;

import java.io.IOException;
import java.io.InputStream;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.Ops;
import io.safeframe.frames.model.Tensor;

/**
 * face-api's FaceRecognitionNet: a ResNet-34-like network (dlib's face recognition ResNet, converted) that maps a
 * 150×150 face crop to a 128-number descriptor; two faces are the same person when their descriptors are close in
 * Euclidean distance. Layers as face-api's FaceRecognitionNet.forwardInput: 7×7 stride-2 VALID conv to 32 channels,
 * 3×3 stride-2 VALID max pool, residual stages of 32, 64, 128 and 256 channels (each conv followed by a per-channel
 * scale layer, the converted batch norm), global average pool, a 256×128 matrix. Input: (value − mean) / 256.
 */
public final class FaceDescriptorNet {

    public static final int DIMENSIONS = 128;
    static final int INPUT_SIZE = 150;
    static final float[] MEAN_RGB = { 122.782f, 117.001f, 104.298f };
    static final float DIVISOR = 256f;

    private final WeightFile w;

    FaceDescriptorNet(InputStream manifest, InputStream shard) throws IOException {
        this.w = new WeightFile("face_recognition_model", manifest, shard);
        for (String layer : new String[] { "conv32_down/conv/filters", "conv64_down/conv1/conv/filters", "conv256_down_out/conv2/scale/biases" }) {
            w.shape(layer); // refuse a manifest of some other network at load, not at the first face
        }
        int[] fc = w.shape("fc");
        if (fc.length != 2 || fc[0] != 256 || fc[1] != DIMENSIONS) {
            throw new IOException("face_recognition_model: fc is " + java.util.Arrays.toString(fc) + ", expected [256, 128]");
        }
    }

    /** The descriptor of the face in the box (cut as for the age net), or null when the box has no pixels in the frame. */
    public float[] describe(Frame f, FaceBox box) {
        Tensor x = NetInput.face(f, box, INPUT_SIZE, MEAN_RGB, DIVISOR);
        return x == null ? null : forward(x);
    }

    /** The descriptor for an input already prepared (parity tests). */
    float[] forward(Tensor x) {
        Tensor out = conv(x, "conv32_down", 2, false, true);
        out = Ops.maxPool(out, 3, 2, false);
        out = residual(out, "conv32_1");
        out = residual(out, "conv32_2");
        out = residual(out, "conv32_3");
        out = residualDown(out, "conv64_down");
        out = residual(out, "conv64_1");
        out = residual(out, "conv64_2");
        out = residual(out, "conv64_3");
        out = residualDown(out, "conv128_down");
        out = residual(out, "conv128_1");
        out = residual(out, "conv128_2");
        out = residualDown(out, "conv256_down");
        out = residual(out, "conv256_1");
        out = residual(out, "conv256_2");
        out = residualDown(out, "conv256_down_out");
        Tensor mean = globalMean(out);
        return Ops.dense(mean, w.get("fc"), w.shape("fc"), null, "linear").data();
    }

    /** conv + bias, then the scale layer (× weights + biases), then ReLU if asked. */
    private Tensor conv(Tensor x, String layer, int stride, boolean same, boolean relu) {
        Tensor out = Ops.conv2d(x, w.get(layer + "/conv/filters"), w.shape(layer + "/conv/filters"), w.get(layer + "/conv/bias"), stride, same);
        float[] scale = w.get(layer + "/scale/weights");
        float[] shift = w.get(layer + "/scale/biases");
        float[] v = out.data();
        int c = out.c();
        for (int i = 0; i < v.length; i++) {
            float s = v[i] * scale[i % c] + shift[i % c];
            v[i] = relu && s < 0f ? 0f : s;
        }
        return out;
    }

    private Tensor residual(Tensor x, String block) {
        Tensor out = conv(x, block + "/conv1", 1, true, true);
        out = conv(out, block + "/conv2", 1, true, false);
        float[] v = out.data();
        float[] in = x.data();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, v[i] + in[i]);
        }
        return out;
    }

    /**
     * A stride-2 block: the shortcut is a 2×2 average pool, zero-extended in channels; when the VALID convolution came
     * out one row/column smaller than the pool (odd sizes), face-api appends a zero row and column to it.
     */
    private Tensor residualDown(Tensor x, String block) {
        Tensor out = conv(x, block + "/conv1", 2, false, true);
        out = conv(out, block + "/conv2", 1, true, false);
        Tensor pooled = Ops.averagePool(x, 2, 2);
        Tensor sum = new Tensor(pooled.h(), pooled.w(), out.c());
        float[] s = sum.data();
        for (int y = 0; y < sum.h(); y++) {
            for (int xx = 0; xx < sum.w(); xx++) {
                for (int ch = 0; ch < sum.c(); ch++) {
                    float a = ch < pooled.c() ? pooled.data()[(y * pooled.w() + xx) * pooled.c() + ch] : 0f;
                    float b = y < out.h() && xx < out.w() ? out.data()[(y * out.w() + xx) * out.c() + ch] : 0f;
                    s[(y * sum.w() + xx) * sum.c() + ch] = Math.max(0f, a + b);
                }
            }
        }
        return sum;
    }

    private static Tensor globalMean(Tensor x) {
        float[] m = new float[x.c()];
        int n = x.h() * x.w();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < x.c(); ch++) {
                m[ch] += x.data()[i * x.c() + ch];
            }
        }
        for (int ch = 0; ch < m.length; ch++) {
            m[ch] /= n;
        }
        return new Tensor(1, 1, m.length, m);
    }
}
