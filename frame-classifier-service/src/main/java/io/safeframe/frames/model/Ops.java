package io.safeframe.frames.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tensor operations of MobileNetV2 inference, in float, on NHWC feature maps; public because the face
 * networks (io.safeframe.frames.faces) are built from the same operations, so there is one executor to speed up.
 */
public final class Ops {

    private Ops() {
    }

    /** Keras padding [[top, bottom], [left, right]]. */
    public static Tensor zeroPad(Tensor in, JsonNode padding) {
        int top = padding.get(0).get(0).asInt();
        int bottom = padding.get(0).get(1).asInt();
        int left = padding.get(1).get(0).asInt();
        int right = padding.get(1).get(1).asInt();
        Tensor out = new Tensor(in.h() + top + bottom, in.w() + left + right, in.c());
        for (int y = 0; y < in.h(); y++) {
            System.arraycopy(in.data(), y * in.w() * in.c(), out.data(), ((y + top) * out.w() + left) * in.c(), in.w() * in.c());
        }
        return out;
    }

    /** TF's SAME padding: total = max((out - 1) × stride + k - in, 0), the extra one at the bottom/right. */
    private static int padBefore(int in, int k, int stride, boolean same) {
        if (!same) {
            return 0;
        }
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        return total / 2;
    }

    private static int outSize(int in, int k, int stride, boolean same) {
        return same ? (in + stride - 1) / stride : (in - k) / stride + 1;
    }

    /** kernel HWIO [kh, kw, cin, cout]. 1×1 convolutions (most of the work) take a fast path. */
    public static Tensor conv2d(Tensor in, float[] kernel, int[] shape, float[] bias, int stride, boolean same) {
        int kh = shape[0];
        int kw = shape[1];
        int cin = shape[2];
        int cout = shape[3];
        int oh = outSize(in.h(), kh, stride, same);
        int ow = outSize(in.w(), kw, stride, same);
        int pt = padBefore(in.h(), kh, stride, same);
        int pl = padBefore(in.w(), kw, stride, same);
        Tensor out = new Tensor(oh, ow, cout);
        float[] x = in.data();
        float[] y = out.data();
        float[] acc = new float[cout];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                java.util.Arrays.fill(acc, 0f);
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * stride + ky - pt;
                    if (iy < 0 || iy >= in.h()) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * stride + kx - pl;
                        if (ix < 0 || ix >= in.w()) {
                            continue;
                        }
                        int xBase = (iy * in.w() + ix) * cin;
                        int kBase = (ky * kw + kx) * cin * cout;
                        for (int ci = 0; ci < cin; ci++) {
                            float v = x[xBase + ci];
                            if (v == 0f) {
                                continue; // after ReLU a good share of activations are 0
                            }
                            int kRow = kBase + ci * cout;
                            for (int co = 0; co < cout; co++) {
                                acc[co] += v * kernel[kRow + co];
                            }
                        }
                    }
                }
                int yBase = (oy * ow + ox) * cout;
                for (int co = 0; co < cout; co++) {
                    y[yBase + co] = bias == null ? acc[co] : acc[co] + bias[co];
                }
            }
        }
        return out;
    }

    /** kernel [kh, kw, c, 1]. */
    public static Tensor depthwise(Tensor in, float[] kernel, int[] shape, int stride, boolean same) {
        int kh = shape[0];
        int kw = shape[1];
        int c = shape[2];
        int oh = outSize(in.h(), kh, stride, same);
        int ow = outSize(in.w(), kw, stride, same);
        int pt = padBefore(in.h(), kh, stride, same);
        int pl = padBefore(in.w(), kw, stride, same);
        Tensor out = new Tensor(oh, ow, c);
        float[] x = in.data();
        float[] y = out.data();
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yBase = (oy * ow + ox) * c;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * stride + ky - pt;
                    if (iy < 0 || iy >= in.h()) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * stride + kx - pl;
                        if (ix < 0 || ix >= in.w()) {
                            continue;
                        }
                        int xBase = (iy * in.w() + ix) * c;
                        int kBase = (ky * kw + kx) * c;
                        for (int ch = 0; ch < c; ch++) {
                            y[yBase + ch] += x[xBase + ch] * kernel[kBase + ch];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** (x − mean) / sqrt(var + ε) × γ + β, per channel. */
    public static Tensor batchNorm(Tensor in, java.util.Map<String, float[]> w, float epsilon) {
        int c = in.c();
        float[] gamma = w.get("gamma");
        float[] beta = w.get("beta");
        float[] mean = w.get("moving_mean");
        float[] variance = w.get("moving_variance");
        float[] scale = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = (float) (1.0 / Math.sqrt(variance[ch] + epsilon)) * (gamma == null ? 1f : gamma[ch]);
        }
        Tensor out = new Tensor(in.h(), in.w(), c);
        float[] x = in.data();
        float[] y = out.data();
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            y[i] = (x[i] - mean[ch]) * scale[ch] + (beta == null ? 0f : beta[ch]);
        }
        return out;
    }

    public static Tensor relu(Tensor in, float max) {
        Tensor out = new Tensor(in.h(), in.w(), in.c());
        float[] x = in.data();
        float[] y = out.data();
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.min(Math.max(x[i], 0f), max);
        }
        return out;
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = new Tensor(a.h(), a.w(), a.c());
        for (int i = 0; i < a.data().length; i++) {
            out.data()[i] = a.data()[i] + b.data()[i];
        }
        return out;
    }

    public static Tensor averagePool(Tensor in, int pool, int stride) {
        int oh = (in.h() - pool) / stride + 1;
        int ow = (in.w() - pool) / stride + 1;
        Tensor out = new Tensor(oh, ow, in.c());
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int ch = 0; ch < in.c(); ch++) {
                    float sum = 0f;
                    for (int py = 0; py < pool; py++) {
                        for (int px = 0; px < pool; px++) {
                            sum += in.data()[((oy * stride + py) * in.w() + ox * stride + px) * in.c() + ch];
                        }
                    }
                    out.data()[(oy * ow + ox) * in.c() + ch] = sum / (pool * pool);
                }
            }
        }
        return out;
    }

    /** kernel [in, out]; activation relu, softmax or linear. */
    public static Tensor dense(Tensor in, float[] kernel, int[] shape, float[] bias, String activation) {
        int n = shape[0];
        int m = shape[1];
        float[] x = in.data();
        float[] y = new float[m];
        for (int j = 0; j < m; j++) {
            y[j] = bias == null ? 0f : bias[j];
        }
        for (int i = 0; i < n; i++) {
            float v = x[i];
            for (int j = 0; j < m; j++) {
                y[j] += v * kernel[i * m + j];
            }
        }
        switch (activation) {
            case "relu" -> {
                for (int j = 0; j < m; j++) {
                    y[j] = Math.max(0f, y[j]);
                }
            }
            case "softmax" -> {
                float max = Float.NEGATIVE_INFINITY;
                for (float v : y) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int j = 0; j < m; j++) {
                    y[j] = (float) Math.exp(y[j] - max);
                    sum += y[j];
                }
                for (int j = 0; j < m; j++) {
                    y[j] = (float) (y[j] / sum);
                }
            }
            case "linear" -> {
            }
            default -> throw new IllegalStateException("activation " + activation + " is not supported");
        }
        return new Tensor(1, 1, m, y);
    }

    /** Max pooling, TF's SAME or VALID padding; padded cells never win (as if −∞). */
    public static Tensor maxPool(Tensor in, int pool, int stride, boolean same) {
        int oh = outSize(in.h(), pool, stride, same);
        int ow = outSize(in.w(), pool, stride, same);
        int pt = padBefore(in.h(), pool, stride, same);
        int pl = padBefore(in.w(), pool, stride, same);
        int c = in.c();
        Tensor out = new Tensor(oh, ow, c);
        float[] x = in.data();
        float[] y = out.data();
        java.util.Arrays.fill(y, Float.NEGATIVE_INFINITY);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yBase = (oy * ow + ox) * c;
                for (int py = 0; py < pool; py++) {
                    int iy = oy * stride + py - pt;
                    if (iy < 0 || iy >= in.h()) {
                        continue;
                    }
                    for (int px = 0; px < pool; px++) {
                        int ix = ox * stride + px - pl;
                        if (ix < 0 || ix >= in.w()) {
                            continue;
                        }
                        int xBase = (iy * in.w() + ix) * c;
                        for (int ch = 0; ch < c; ch++) {
                            y[yBase + ch] = Math.max(y[yBase + ch], x[xBase + ch]);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Leaky ReLU, in place: x for x > 0, alpha × x otherwise. */
    public static Tensor leakyInPlace(Tensor t, float alpha) {
        float[] x = t.data();
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0f) {
                x[i] *= alpha;
            }
        }
        return t;
    }
}
