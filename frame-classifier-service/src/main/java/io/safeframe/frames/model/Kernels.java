package io.safeframe.frames.model;

/**
 * The inner loops of the networks written out by hand (the face networks, through {@link Ops}), on raw NHWC arrays
 * (channel fastest) written into a caller's buffer. Padding is explicit (rows/columns before; the output size implies the
 * rest) and the activation is a clamp to [lo, hi] applied as each value is written: ReLU6 is [0, 6], linear is
 * [−∞, ∞].
 *
 * Why these loop shapes: HotSpot's C2 turns a loop over contiguous output channels into SIMD instructions, so every
 * hot loop runs over output channels. A convolution is accumulated four input channels at a time (four weight rows
 * per pass over the accumulator) to cut the loads and stores of the accumulator by four; the multiply-adds are the
 * same as TF.js's up to float rounding order.
 */
final class Kernels {

    private Kernels() {
    }

    /** Output size along one axis; padding already in {@code padded}. */
    static int outSize(int padded, int k, int stride) {
        return (padded - k) / stride + 1;
    }

    /**
     * Convolution, kernel HWIO {@code [kh, kw, cin, cout]}, into {@code y} (oh × ow × cout); {@code acc} holds at
     * least cout floats of scratch.
     */
    static void conv(float[] x, int h, int w, int cin, float[] k, int kh, int kw, int cout, float[] bias, int stride, int padTop,
            int padLeft, float[] y, int oh, int ow, float lo, float hi, float[] acc) {
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                if (bias == null) {
                    java.util.Arrays.fill(acc, 0, cout, 0f);
                } else {
                    System.arraycopy(bias, 0, acc, 0, cout);
                }
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * stride + ky - padTop;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * stride + kx - padLeft;
                        if (ix < 0 || ix >= w) {
                            continue;
                        }
                        accumulate(acc, x, (iy * w + ix) * cin, cin, k, (ky * kw + kx) * cin * cout, cout);
                    }
                }
                store(acc, y, (oy * ow + ox) * cout, cout, lo, hi);
            }
        }
    }

    /** acc[co] += Σ_ci x[xOff + ci] × k[kOff + ci × cout + co], four input channels per pass. */
    private static void accumulate(float[] acc, float[] x, int xOff, int cin, float[] k, int kOff, int cout) {
        int ci = 0;
        for (; ci + 4 <= cin; ci += 4) {
            float a0 = x[xOff + ci];
            float a1 = x[xOff + ci + 1];
            float a2 = x[xOff + ci + 2];
            float a3 = x[xOff + ci + 3];
            if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
                continue; // after ReLU many activations are 0
            }
            int r0 = kOff + ci * cout;
            int r1 = r0 + cout;
            int r2 = r1 + cout;
            int r3 = r2 + cout;
            for (int co = 0; co < cout; co++) {
                acc[co] += a0 * k[r0 + co] + a1 * k[r1 + co] + a2 * k[r2 + co] + a3 * k[r3 + co];
            }
        }
        for (; ci < cin; ci++) {
            float a = x[xOff + ci];
            if (a == 0f) {
                continue;
            }
            int r = kOff + ci * cout;
            for (int co = 0; co < cout; co++) {
                acc[co] += a * k[r + co];
            }
        }
    }

    private static void store(float[] acc, float[] y, int yOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.min(Math.max(acc[i], lo), hi);
        }
    }

    /** Depthwise convolution, kernel {@code [kh, kw, c, 1]}, into {@code y} (oh × ow × c). */
    static void depthwise(float[] x, int h, int w, int c, float[] k, int kh, int kw, float[] bias, int stride, int padTop, int padLeft,
            float[] y, int oh, int ow, float lo, float hi) {
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yOff = (oy * ow + ox) * c;
                if (bias == null) {
                    java.util.Arrays.fill(y, yOff, yOff + c, 0f);
                } else {
                    System.arraycopy(bias, 0, y, yOff, c);
                }
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * stride + ky - padTop;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * stride + kx - padLeft;
                        if (ix < 0 || ix >= w) {
                            continue;
                        }
                        int xOff = (iy * w + ix) * c;
                        int kOff = (ky * kw + kx) * c;
                        for (int ch = 0; ch < c; ch++) {
                            y[yOff + ch] += x[xOff + ch] * k[kOff + ch];
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    y[yOff + ch] = Math.min(Math.max(y[yOff + ch], lo), hi);
                }
            }
        }
    }

    /** (x − mean) × scale + shift per channel, then the clamp; n values of c channels. */
    static void affine(float[] x, int n, int c, float[] scale, float[] shift, float[] y, float lo, float hi) {
        for (int p = 0; p < n; p += c) {
            for (int ch = 0; ch < c; ch++) {
                y[p + ch] = Math.min(Math.max(x[p + ch] * scale[ch] + shift[ch], lo), hi);
            }
        }
    }

    static void clamp(float[] x, int n, float[] y, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.min(Math.max(x[i], lo), hi);
        }
    }

    static void add(float[] a, float[] b, int n, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] = a[i] + b[i];
        }
    }

    /** Average over pool × pool windows without padding. */
    static void averagePool(float[] x, int h, int w, int c, int pool, int stride, float[] y, int oh, int ow) {
        float area = pool * pool;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yOff = (oy * ow + ox) * c;
                java.util.Arrays.fill(y, yOff, yOff + c, 0f);
                for (int py = 0; py < pool; py++) {
                    for (int px = 0; px < pool; px++) {
                        int xOff = ((oy * stride + py) * w + ox * stride + px) * c;
                        for (int ch = 0; ch < c; ch++) {
                            y[yOff + ch] += x[xOff + ch];
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    y[yOff + ch] /= area;
                }
            }
        }
    }

    /** y = activation(x × k + bias); kernel [n, m]. */
    static void dense(float[] x, int n, float[] k, int m, float[] bias, String activation, float[] y) {
        for (int j = 0; j < m; j++) {
            y[j] = bias == null ? 0f : bias[j];
        }
        for (int i = 0; i < n; i++) {
            float v = x[i];
            for (int j = 0; j < m; j++) {
                y[j] += v * k[i * m + j];
            }
        }
        switch (activation) {
            case "relu" -> clamp(y, m, y, 0f, Float.POSITIVE_INFINITY);
            case "softmax" -> softmax(y, m);
            case "linear" -> {
            }
            default -> throw new IllegalStateException("activation " + activation + " is not supported");
        }
    }

    private static void softmax(float[] y, int m) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < m; j++) {
            max = Math.max(max, y[j]);
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
}
