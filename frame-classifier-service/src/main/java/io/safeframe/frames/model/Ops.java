package io.safeframe.frames.model;

/**
 * Tensor-in, tensor-out operations for the networks written out by hand (io.safeframe.frames.faces): each allocates
 * its result and runs the {@link Kernels} loops. The image model does not use them: it runs on ONNX Runtime
 * ({@link KerasModel}).
 */
public final class Ops {

    private Ops() {
    }

    /** TF's SAME padding: total = max((out - 1) × stride + k - in, 0), the extra one at the bottom/right. */
    static int padBefore(int in, int k, int stride, boolean same) {
        if (!same) {
            return 0;
        }
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        return total / 2;
    }

    static int outSize(int in, int k, int stride, boolean same) {
        return same ? (in + stride - 1) / stride : Kernels.outSize(in, k, stride);
    }

    /** kernel HWIO [kh, kw, cin, cout]. */
    public static Tensor conv2d(Tensor in, float[] kernel, int[] shape, float[] bias, int stride, boolean same) {
        int kh = shape[0];
        int kw = shape[1];
        int cout = shape[3];
        int oh = outSize(in.h(), kh, stride, same);
        int ow = outSize(in.w(), kw, stride, same);
        Tensor out = new Tensor(oh, ow, cout);
        Kernels.conv(in.data(), in.h(), in.w(), in.c(), kernel, kh, kw, cout, bias, stride, padBefore(in.h(), kh, stride, same),
                padBefore(in.w(), kw, stride, same), out.data(), oh, ow, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, new float[cout]);
        return out;
    }

    /** kernel [kh, kw, c, 1]. */
    public static Tensor depthwise(Tensor in, float[] kernel, int[] shape, int stride, boolean same) {
        int kh = shape[0];
        int kw = shape[1];
        int oh = outSize(in.h(), kh, stride, same);
        int ow = outSize(in.w(), kw, stride, same);
        Tensor out = new Tensor(oh, ow, in.c());
        Kernels.depthwise(in.data(), in.h(), in.w(), in.c(), kernel, kh, kw, null, stride, padBefore(in.h(), kh, stride, same),
                padBefore(in.w(), kw, stride, same), out.data(), oh, ow, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        return out;
    }

    public static Tensor relu(Tensor in, float max) {
        Tensor out = new Tensor(in.h(), in.w(), in.c());
        Kernels.clamp(in.data(), in.data().length, out.data(), 0f, max);
        return out;
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = new Tensor(a.h(), a.w(), a.c());
        Kernels.add(a.data(), b.data(), a.data().length, out.data());
        return out;
    }

    public static Tensor averagePool(Tensor in, int pool, int stride) {
        int oh = Kernels.outSize(in.h(), pool, stride);
        int ow = Kernels.outSize(in.w(), pool, stride);
        Tensor out = new Tensor(oh, ow, in.c());
        Kernels.averagePool(in.data(), in.h(), in.w(), in.c(), pool, stride, out.data(), oh, ow);
        return out;
    }

    /** kernel [in, out]; activation relu, softmax or linear. */
    public static Tensor dense(Tensor in, float[] kernel, int[] shape, float[] bias, String activation) {
        float[] y = new float[shape[1]];
        Kernels.dense(in.data(), shape[0], kernel, shape[1], bias, activation, y);
        return new Tensor(1, 1, shape[1], y);
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
