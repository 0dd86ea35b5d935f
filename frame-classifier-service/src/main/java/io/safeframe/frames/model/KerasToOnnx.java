package io.safeframe.frames.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Converts a Keras layer list (TF.js "layers" format) into an ONNX graph for ONNX Runtime. The graph takes the
 * model's NHWC input as TF.js does and transposes it once to ONNX's NCHW; kernels are transposed from Keras's HWIO
 * to ONNX's OIHW. Three rewrites, each exact up to float rounding:
 * <ul>
 * <li>a BatchNormalization whose input nothing else reads is folded into the convolution before it (weights scaled
 * per output channel, the shift added to the bias);</li>
 * <li>a ReLU (ReLU6 in MobileNetV2) whose input nothing else reads becomes a Clip right after that convolution, which
 * ONNX Runtime fuses into the convolution;</li>
 * <li>a ZeroPadding2D feeding a convolution becomes that convolution's explicit padding.</li>
 * </ul>
 * A layer kind or setting not listed here is refused at load, never mis-run.
 */
final class KerasToOnnx {

    /** A layer as model.json describes it, with its weights by suffix (kernel, bias, gamma, ...). */
    record Layer(String name, String kind, List<String> inputs, JsonNode config, Map<String, float[]> weights, int[] kernelShape) {
    }

    /** A feature map: its ONNX value name (filled in when its layer is written) and NHWC shape. */
    private static final class Value {
        final int h;
        final int w;
        final int c;
        String onnx;
        Conv writtenBy;

        Value(int h, int w, int c) {
            this.h = h;
            this.w = w;
            this.c = c;
        }
    }

    private record Padding(Value source, int top, int bottom, int left, int right) {
    }

    /** Graph writes are deferred until every layer is read, so later layers can still fold into a convolution. */
    private interface Write {
        void to(OnnxGraph g);
    }

    private final List<Write> writes = new ArrayList<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Padding> padded = new HashMap<>();
    private final Map<String, Integer> readers = new HashMap<>();
    private Value input;

    /** The ONNX bytes of the model; its input is "input" [1, size, size, 3], its one output is [1, n]. */
    static byte[] convert(List<Layer> layers, String output, int inputSize) throws IOException {
        KerasToOnnx k = new KerasToOnnx();
        for (Layer l : layers) {
            for (String in : l.inputs()) {
                k.readers.merge(in, 1, Integer::sum);
            }
        }
        for (Layer l : layers) {
            k.add(l, inputSize);
        }
        Value out = k.values.get(output);
        if (out == null || k.input == null) {
            throw new IOException("the model has no input layer or no output " + output);
        }
        if (out.h != 1 || out.w != 1) {
            throw new IOException("the output " + output + " is not a vector");
        }
        OnnxGraph g = new OnnxGraph();
        g.input("input", 1, inputSize, inputSize, 3);
        for (Write w : k.writes) {
            w.to(g);
        }
        g.output(out.onnx, 1, out.c);
        return g.toBytes();
    }

    private Value source(Layer l, int i) throws IOException {
        Value v = values.get(l.inputs().get(i));
        if (v == null) {
            throw new IOException(l.name() + " reads " + l.inputs().get(i) + ", which is not a feature map the converter keeps"
                    + " (ZeroPadding2D may only feed a convolution)");
        }
        return v;
    }

    private boolean onlyReader(Layer l) {
        return readers.getOrDefault(l.inputs().get(0), 0) == 1;
    }

    private void add(Layer l, int inputSize) throws IOException {
        JsonNode c = l.config();
        switch (l.kind()) {
            case "InputLayer" -> {
                Value in = new Value(inputSize, inputSize, 3);
                writes.add(g -> in.onnx = g.node("Transpose", List.of("input"), OnnxGraph.Attribute.ints("perm", 0, 3, 1, 2)));
                input = in;
                values.put(l.name(), in);
            }
            case "ZeroPadding2D" -> {
                JsonNode p = c.path("padding");
                padded.put(l.name(), new Padding(source(l, 0), p.get(0).get(0).asInt(), p.get(0).get(1).asInt(), p.get(1).get(0).asInt(),
                        p.get(1).get(1).asInt()));
            }
            case "Conv2D", "DepthwiseConv2D" -> conv(l);
            case "BatchNormalization" -> batchNorm(l);
            case "ReLU" -> relu(l);
            case "Add" -> {
                Value a = source(l, 0);
                Value b = source(l, 1);
                if (a.h != b.h || a.w != b.w || a.c != b.c) {
                    throw new IOException(l.name() + ": adds feature maps of different shapes");
                }
                Value out = new Value(a.h, a.w, a.c);
                writes.add(g -> out.onnx = g.node("Add", List.of(a.onnx, b.onnx)));
                values.put(l.name(), out);
            }
            case "AveragePooling2D" -> {
                Value in = source(l, 0);
                int pool = c.path("pool_size").get(0).asInt();
                int stride = c.path("strides").get(0).asInt();
                if (!"valid".equals(c.path("padding").asText("valid"))) {
                    throw new IOException(l.name() + ": only VALID average pooling is supported");
                }
                Value out = new Value((in.h - pool) / stride + 1, (in.w - pool) / stride + 1, in.c);
                writes.add(g -> out.onnx = g.node("AveragePool", List.of(in.onnx), OnnxGraph.Attribute.ints("kernel_shape", pool, pool),
                        OnnxGraph.Attribute.ints("strides", stride, stride)));
                values.put(l.name(), out);
            }
            case "Flatten" -> {
                Value in = source(l, 0);
                Value out = new Value(1, 1, in.h * in.w * in.c);
                // Keras flattens NHWC: back to that order first, so a dense layer's weights line up
                writes.add(g -> out.onnx = g.node("Flatten",
                        List.of(g.node("Transpose", List.of(in.onnx), OnnxGraph.Attribute.ints("perm", 0, 2, 3, 1))),
                        OnnxGraph.Attribute.i("axis", 1)));
                values.put(l.name(), out);
            }
            case "Dropout" -> values.put(l.name(), source(l, 0)); // inference: the identity
            case "Dense" -> dense(l);
            default -> throw new IOException("layer kind " + l.kind() + " (" + l.name() + ") is not supported");
        }
    }

    /** A convolution that may still absorb the batch normalisation and the ReLU after it. */
    private static final class Conv {
        final float[] kernel; // Keras layout: HWIO, or [kh, kw, c, 1] for depthwise
        final int[] shape;
        final boolean depthwise;
        final int cout;
        float[] bias;
        float clipMax = Float.NaN; // NaN: no ReLU

        Conv(float[] kernel, int[] shape, boolean depthwise, int cout, float[] bias) {
            this.kernel = kernel;
            this.shape = shape;
            this.depthwise = depthwise;
            this.cout = cout;
            this.bias = bias;
        }

        boolean linear() {
            return Float.isNaN(clipMax);
        }

        /** conv(x) × scale + shift = conv'(x) with every output channel's weights and bias scaled. */
        void fold(float[] scale, float[] shift) {
            for (int i = 0; i < kernel.length; i++) {
                kernel[i] *= scale[i % cout];
            }
            float[] folded = new float[cout];
            for (int co = 0; co < cout; co++) {
                folded[co] = (bias == null ? 0f : bias[co]) * scale[co] + shift[co];
            }
            bias = folded;
        }

        /** The kernel in ONNX's OIHW order (depthwise: [c, 1, kh, kw]). */
        float[] oihw() {
            int kh = shape[0];
            int kw = shape[1];
            int cin = depthwise ? 1 : shape[2];
            float[] out = new float[kernel.length];
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    for (int ci = 0; ci < cin; ci++) {
                        for (int co = 0; co < cout; co++) {
                            out[((co * cin + ci) * kh + ky) * kw + kx] = kernel[((ky * kw + kx) * cin + ci) * cout + co];
                        }
                    }
                }
            }
            return out;
        }
    }

    private void conv(Layer l) throws IOException {
        JsonNode c = l.config();
        boolean depthwise = l.kind().equals("DepthwiseConv2D");
        int[] k = l.kernelShape();
        int stride = c.path("strides").get(0).asInt();
        if (c.path("strides").get(1).asInt() != stride || (c.has("dilation_rate") && c.path("dilation_rate").get(0).asInt() != 1)) {
            throw new IOException(l.name() + ": only equal strides and no dilation are supported");
        }
        if (depthwise && k[3] != 1) {
            throw new IOException(l.name() + ": only a depth multiplier of 1 is supported");
        }
        String activation = c.path("activation").asText("linear");
        if (!activation.equals("linear")) {
            throw new IOException(l.name() + ": activation " + activation + " inside a convolution is not supported");
        }
        Padding pad = padded.get(l.inputs().get(0));
        Value in = pad != null ? pad.source() : source(l, 0);
        int padTop = pad == null ? 0 : pad.top();
        int padBottom = pad == null ? 0 : pad.bottom();
        int padLeft = pad == null ? 0 : pad.left();
        int padRight = pad == null ? 0 : pad.right();
        int h = in.h + padTop + padBottom;
        int w = in.w + padLeft + padRight;
        boolean same = "same".equals(c.path("padding").asText());
        int oh = Ops.outSize(h, k[0], stride, same);
        int ow = Ops.outSize(w, k[1], stride, same);
        // TF's SAME: the total padding split with the extra row/column at the bottom/right
        int sameH = same ? Math.max((oh - 1) * stride + k[0] - h, 0) : 0;
        int sameW = same ? Math.max((ow - 1) * stride + k[1] - w, 0) : 0;
        long[] pads = { padTop + sameH / 2, padLeft + sameW / 2, padBottom + sameH - sameH / 2, padRight + sameW - sameW / 2 };
        int cout = depthwise ? in.c : k[3];
        float[] kernel = l.weights().get(depthwise ? "depthwise_kernel" : "kernel").clone();
        float[] bias = l.weights().get("bias") == null ? null : l.weights().get("bias").clone();
        Conv conv = new Conv(kernel, k, depthwise, cout, bias);
        Value out = new Value(oh, ow, cout);
        out.writtenBy = conv;
        writes.add(g -> {
            int cin = depthwise ? 1 : k[2];
            String weights = g.constant("w", conv.oihw(), cout, cin, k[0], k[1]);
            String b = g.constant("b", conv.bias == null ? new float[cout] : conv.bias, cout);
            String y = g.node("Conv", List.of(in.onnx, weights, b), OnnxGraph.Attribute.ints("kernel_shape", k[0], k[1]),
                    OnnxGraph.Attribute.ints("strides", stride, stride), OnnxGraph.Attribute.ints("pads", pads),
                    OnnxGraph.Attribute.i("group", depthwise ? cout : 1));
            if (!conv.linear()) {
                y = clip(g, y, conv.clipMax);
            }
            out.onnx = y;
        });
        values.put(l.name(), out);
    }

    private static String clip(OnnxGraph g, String x, float max) {
        List<String> in = new ArrayList<>(List.of(x, g.constant("min", new float[] { 0f })));
        if (max != Float.POSITIVE_INFINITY) {
            in.add(g.constant("max", new float[] { max }));
        }
        return g.node("Clip", in);
    }

    private void batchNorm(Layer l) throws IOException {
        Value in = source(l, 0);
        float[][] scaleShift = batchNormScaleShift(l.weights(), (float) l.config().path("epsilon").asDouble(), in.c);
        if (in.writtenBy != null && onlyReader(l) && in.writtenBy.linear()) {
            in.writtenBy.fold(scaleShift[0], scaleShift[1]);
            values.put(l.name(), in);
            return;
        }
        Value out = new Value(in.h, in.w, in.c);
        writes.add(g -> out.onnx = g.node("Add", List.of(g.node("Mul", List.of(in.onnx, g.constant("scale", scaleShift[0], in.c, 1, 1))),
                g.constant("shift", scaleShift[1], in.c, 1, 1))));
        values.put(l.name(), out);
    }

    /** Batch normalisation as x × scale + shift: scale = γ / sqrt(var + ε), shift = β − mean × scale. */
    private static float[][] batchNormScaleShift(Map<String, float[]> w, float epsilon, int c) {
        float[] gamma = w.get("gamma");
        float[] beta = w.get("beta");
        float[] mean = w.get("moving_mean");
        float[] variance = w.get("moving_variance");
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = (float) (1.0 / Math.sqrt(variance[ch] + epsilon)) * (gamma == null ? 1f : gamma[ch]);
            shift[ch] = (beta == null ? 0f : beta[ch]) - mean[ch] * scale[ch];
        }
        return new float[][] { scale, shift };
    }

    private void relu(Layer l) throws IOException {
        JsonNode c = l.config();
        if (c.path("negative_slope").asDouble(0) != 0 || c.path("threshold").asDouble(0) != 0) {
            throw new IOException(l.name() + ": a leaky or thresholded ReLU is not supported");
        }
        float max = c.path("max_value").isNull() || c.path("max_value").isMissingNode() ? Float.POSITIVE_INFINITY
                : (float) c.path("max_value").asDouble();
        Value in = source(l, 0);
        if (in.writtenBy != null && onlyReader(l) && in.writtenBy.linear()) {
            in.writtenBy.clipMax = max;
            values.put(l.name(), in);
            return;
        }
        Value out = new Value(in.h, in.w, in.c);
        writes.add(g -> out.onnx = clip(g, in.onnx, max));
        values.put(l.name(), out);
    }

    private void dense(Layer l) throws IOException {
        String activation = l.config().path("activation").asText();
        if (!List.of("relu", "softmax", "linear").contains(activation)) {
            throw new IOException(l.name() + ": activation " + activation + " is not supported");
        }
        Value in = source(l, 0);
        int[] k = l.kernelShape();
        if (in.h * in.w * in.c != k[0] || in.h * in.w != 1) {
            throw new IOException(l.name() + ": expects a flat vector of " + k[0] + " inputs");
        }
        float[] bias = l.weights().get("bias") == null ? new float[k[1]] : l.weights().get("bias");
        Value out = new Value(1, 1, k[1]);
        writes.add(g -> {
            String flat = g.node("Flatten", List.of(in.onnx), OnnxGraph.Attribute.i("axis", 1));
            String y = g.node("Gemm", List.of(flat, g.constant("w", l.weights().get("kernel"), k[0], k[1]), g.constant("b", bias, k[1])));
            out.onnx = switch (activation) {
                case "relu" -> clip(g, y, Float.POSITIVE_INFINITY);
                case "softmax" -> g.node("Softmax", List.of(y), OnnxGraph.Attribute.i("axis", 1));
                default -> y;
            };
        });
        values.put(l.name(), out);
    }
}
