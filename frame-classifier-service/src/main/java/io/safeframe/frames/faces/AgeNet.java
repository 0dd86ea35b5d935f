package io.safeframe.frames.faces;

import java.io.IOException;
import java.io.InputStream;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.Ops;
import io.safeframe.frames.model.Tensor;

/**
 * face-api's AgeGenderNet, age head only: a small Xception (entry conv, two reduction blocks, two residual main
 * blocks, an exit reduction block, a separable conv to 512 channels), 7×7 average pooling and a linear layer that
 * regresses the apparent age in years. Input: the face box, clipped to the frame and floored to whole pixels,
 * padded to a centred square and resized to 112×112. The gender head is not run: the policy needs no gender.
 */
public final class AgeNet {

    static final int INPUT_SIZE = 112;
    static final float[] MEAN_RGB = { 122.782f, 117.001f, 104.298f };

    private final WeightFile w;

    AgeNet(InputStream manifest, InputStream shard) throws IOException {
        this.w = new WeightFile("age_gender_model", manifest, shard);
        for (String layer : new String[] { "entry_flow/conv_in/filters", "middle_flow/main_block_1/separable_conv2/pointwise_filter",
                "exit_flow/separable_conv/pointwise_filter", "fc/age/weights" }) {
            w.shape(layer);
        }
    }

    /** Apparent age of the face in the box, or NaN when the box has no pixels inside the frame. */
    public double age(Frame f, FaceBox box) {
        Tensor x = NetInput.face(f, box, INPUT_SIZE, MEAN_RGB, 255f);
        if (x == null) {
            return Double.NaN;
        }
        return forward(x);
    }

    /** The age output for an input already prepared (parity tests). */
    double forward(Tensor x) {
        Tensor out = Ops.relu(conv(x, "entry_flow/conv_in", 2), Float.MAX_VALUE);
        out = reduction(out, "entry_flow/reduction_block_0", false);
        out = reduction(out, "entry_flow/reduction_block_1", true);
        for (int i = 0; i < 2; i++) {
            String b = "middle_flow/main_block_" + i;
            Tensor m = separable(relu(out), b + "/separable_conv0");
            m = separable(relu(m), b + "/separable_conv1");
            m = separable(relu(m), b + "/separable_conv2");
            out = Ops.add(m, out);
        }
        out = reduction(out, "exit_flow/reduction_block", true);
        out = relu(separable(out, "exit_flow/separable_conv"));
        Tensor pooled = Ops.averagePool(out, 7, 2);
        return Ops.dense(pooled, w.get("fc/age/weights"), w.shape("fc/age/weights"), w.get("fc/age/bias"), "linear").data()[0];
    }

    private Tensor reduction(Tensor x, String block, boolean activateInput) {
        Tensor out = separable(activateInput ? relu(x) : x, block + "/separable_conv0");
        out = separable(relu(out), block + "/separable_conv1");
        out = Ops.maxPool(out, 3, 2, true);
        return Ops.add(out, conv(x, block + "/expansion_conv", 2));
    }

    private Tensor conv(Tensor x, String layer, int stride) {
        return Ops.conv2d(x, w.get(layer + "/filters"), w.shape(layer + "/filters"), w.get(layer + "/bias"), stride, true);
    }

    private Tensor separable(Tensor x, String layer) {
        Tensor d = Ops.depthwise(x, w.get(layer + "/depthwise_filter"), w.shape(layer + "/depthwise_filter"), 1, true);
        return Ops.conv2d(d, w.get(layer + "/pointwise_filter"), w.shape(layer + "/pointwise_filter"), w.get(layer + "/bias"), 1, true);
    }

    private static Tensor relu(Tensor x) {
        return Ops.relu(x, Float.MAX_VALUE);
    }
}
