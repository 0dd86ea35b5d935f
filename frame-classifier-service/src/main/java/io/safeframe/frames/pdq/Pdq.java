package io.safeframe.frames.pdq;

/**
 * PDQ perceptual hashing, written from the published algorithm (Meta ThreatExchange, "The TMK+PDQF and PDQ
 * hashing algorithms", and its C++ reference pdq/cpp at commit baefb4e) so that on identical pixels it gives
 * the reference's hash and quality bit for bit: float luma (0.299, 0.587, 0.114), two passes of Jarosz box
 * filters, decimation to 64×64, a gradient quality score, a 16×16 DCT (the DC row dropped), and a threshold at
 * the Torben median. The arithmetic is kept in float in the reference's order on purpose — reordering the
 * sums changes low bits and, near the median, hash bits.
 */
public final class Pdq {

    /** The reference hashes images larger than this on a side after squashing them to 512×512. */
    public static final int DOWNSAMPLE_DIMS = 512;
    static final int MIN_HASHABLE_DIM = 5;
    static final int JAROSZ_PASSES = 2;

    private static final float LUMA_R = 0.299f;
    private static final float LUMA_G = 0.587f;
    private static final float LUMA_B = 0.114f;

    /** DCT-II basis rows 1..16 of size 64, each entry float(float(sqrt(2/64)) × cos(...)) as in the reference. */
    private static final float[] DCT = new float[16 * 64];

    static {
        float scale = (float) Math.sqrt(2.0 / 64.0);
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 64; j++) {
                DCT[i * 64 + j] = (float) (scale * Math.cos((Math.PI / 2.0 / 64.0) * (i + 1) * (2 * j + 1)));
            }
        }
    }

    private Pdq() {
    }

    public record Result(PdqHash hash, int quality) {
    }

    /** The eight dihedral variants of one image, in the reference's order. */
    public record Dihedral(PdqHash original, PdqHash rotate90, PdqHash rotate180, PdqHash rotate270, PdqHash flipX, PdqHash flipY,
            PdqHash flipPlus1, PdqHash flipMinus1, int quality) {
        public PdqHash[] all() {
            return new PdqHash[] { original, rotate90, rotate180, rotate270, flipX, flipY, flipPlus1, flipMinus1 };
        }
    }

    /** Luma of packed RGB24 pixels, row-major. */
    public static float[] lumaFromRgb(byte[] rgb, int width, int height) {
        float[] luma = new float[width * height];
        for (int i = 0, p = 0; i < luma.length; i++, p += 3) {
            luma[i] = LUMA_R * (rgb[p] & 0xff) + LUMA_G * (rgb[p + 1] & 0xff) + LUMA_B * (rgb[p + 2] & 0xff);
        }
        return luma;
    }

    public static float[] lumaFromGrey(byte[] grey) {
        float[] luma = new float[grey.length];
        for (int i = 0; i < luma.length; i++) {
            luma[i] = grey[i] & 0xff;
        }
        return luma;
    }

    /**
     * The reference CLI's treatment of large images: anything over 512 px on a side becomes exactly 512×512 by
     * nearest neighbour, source index floor(dst × src / 512) (CImg resize, interpolation 1), aspect not kept.
     * Returns the pixels unchanged when no side exceeds 512. channels is 3 (RGB) or 1 (grey).
     */
    public static byte[] squash(byte[] pixels, int width, int height, int channels) {
        if (width <= DOWNSAMPLE_DIMS && height <= DOWNSAMPLE_DIMS) {
            return pixels;
        }
        byte[] out = new byte[DOWNSAMPLE_DIMS * DOWNSAMPLE_DIMS * channels];
        for (int y = 0; y < DOWNSAMPLE_DIMS; y++) {
            int sy = (int) ((long) y * height / DOWNSAMPLE_DIMS);
            for (int x = 0; x < DOWNSAMPLE_DIMS; x++) {
                int sx = (int) ((long) x * width / DOWNSAMPLE_DIMS);
                System.arraycopy(pixels, (sy * width + sx) * channels, out, (y * DOWNSAMPLE_DIMS + x) * channels, channels);
            }
        }
        return out;
    }

    /**
     * The reference CLI's whole path from decoded pixels (RGB24 when channels is 3, grey when 1): squash
     * anything over 512 px, luma, hash.
     */
    public static Result hashPixels(byte[] pixels, int width, int height, int channels) {
        Plane p = plane(pixels, width, height, channels);
        return hash(p.luma(), p.rows(), p.cols());
    }

    /** As {@link #hashPixels}, with the eight dihedral variants. */
    public static Dihedral dihedralPixels(byte[] pixels, int width, int height, int channels) {
        Plane p = plane(pixels, width, height, channels);
        return dihedral(p.luma(), p.rows(), p.cols());
    }

    private record Plane(float[] luma, int rows, int cols) {
    }

    private static Plane plane(byte[] pixels, int width, int height, int channels) {
        byte[] px = squash(pixels, width, height, channels);
        boolean squashed = px != pixels;
        int rows = squashed ? DOWNSAMPLE_DIMS : height;
        int cols = squashed ? DOWNSAMPLE_DIMS : width;
        return new Plane(channels == 1 ? lumaFromGrey(px) : lumaFromRgb(px, cols, rows), rows, cols);
    }

    public static Result hash(float[] luma, int rows, int cols) {
        if (rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM) {
            return new Result(PdqHash.ZERO, 0);
        }
        float[][] b64 = downscale64(luma, rows, cols);
        int quality = quality(b64);
        return new Result(bits(dct16(b64)), quality);
    }

    public static Dihedral dihedral(float[] luma, int rows, int cols) {
        if (rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM) {
            PdqHash z = PdqHash.ZERO;
            return new Dihedral(z, z, z, z, z, z, z, z, 0);
        }
        float[][] b64 = downscale64(luma, rows, cols);
        int quality = quality(b64);
        float[][] a = dct16(b64);
        // the DCT of a rotated or flipped image is a sign-flipped and/or transposed DCT of the original
        return new Dihedral(bits(a),
                bits(transform(a, true, (i, j) -> (j & 1) != 0)),
                bits(transform(a, false, (i, j) -> ((i + j) & 1) == 0)),
                bits(transform(a, true, (i, j) -> (i & 1) != 0)),
                bits(transform(a, false, (i, j) -> (i & 1) != 0)),
                bits(transform(a, false, (i, j) -> (j & 1) != 0)),
                bits(transform(a, true, (i, j) -> true)),
                bits(transform(a, true, (i, j) -> ((i + j) & 1) == 0)),
                quality);
    }

    private interface Sign {
        boolean keep(int i, int j);
    }

    private static float[][] transform(float[][] a, boolean transpose, Sign sign) {
        float[][] b = new float[16][16];
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                float v = sign.keep(i, j) ? a[i][j] : -a[i][j];
                if (transpose) {
                    b[j][i] = v;
                } else {
                    b[i][j] = v;
                }
            }
        }
        return b;
    }

    private static float[][] downscale64(float[] luma, int rows, int cols) {
        float[][] out = new float[64][64];
        if (rows == 64 && cols == 64) {
            for (int i = 0; i < 64; i++) {
                System.arraycopy(luma, i * 64, out[i], 0, 64);
            }
            return out;
        }
        float[] buffer1 = luma.clone();
        float[] buffer2 = new float[luma.length];
        int windowAlongRows = jaroszWindow(cols, 64);
        int windowAlongCols = jaroszWindow(rows, 64);
        for (int pass = 0; pass < JAROSZ_PASSES; pass++) {
            for (int i = 0; i < rows; i++) {
                box1d(buffer1, buffer2, i * cols, cols, 1, windowAlongRows);
            }
            for (int j = 0; j < cols; j++) {
                box1d(buffer2, buffer1, j, rows, cols, windowAlongCols);
            }
        }
        for (int oi = 0; oi < 64; oi++) {
            int ini = (int) (((oi + 0.5) * rows) / 64);
            for (int oj = 0; oj < 64; oj++) {
                int inj = (int) (((oj + 0.5) * cols) / 64);
                out[oi][oj] = buffer1[ini * cols + inj];
            }
        }
        return out;
    }

    static int jaroszWindow(int oldDimension, int newDimension) {
        return (oldDimension + 2 * newDimension - 1) / (2 * newDimension);
    }

    /** A running-sum box filter whose window grows in at the start and shrinks out at the end, as the reference's. */
    private static void box1d(float[] in, float[] out, int offset, int length, int stride, int window) {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = length - window;
        int phase4 = half - 1;
        int li = offset;
        int ri = offset;
        int oi = offset;
        float sum = 0f;
        int current = 0;
        for (int i = 0; i < phase1; i++) {
            sum += in[ri];
            current++;
            ri += stride;
        }
        for (int i = 0; i < phase2; i++) {
            sum += in[ri];
            current++;
            out[oi] = sum / current;
            ri += stride;
            oi += stride;
        }
        for (int i = 0; i < phase3; i++) {
            sum += in[ri];
            sum -= in[li];
            out[oi] = sum / current;
            li += stride;
            ri += stride;
            oi += stride;
        }
        for (int i = 0; i < phase4; i++) {
            sum -= in[li];
            current--;
            out[oi] = sum / current;
            li += stride;
            oi += stride;
        }
    }

    /** Sum of absolute vertical and horizontal steps (in percent of 255, truncated) / 90, at most 100. */
    static int quality(float[][] b) {
        int gradientSum = 0;
        for (int i = 0; i < 63; i++) {
            for (int j = 0; j < 64; j++) {
                int d = (int) (((b[i][j] - b[i + 1][j]) * 100) / 255);
                gradientSum += Math.abs(d);
            }
        }
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 63; j++) {
                int d = (int) (((b[i][j] - b[i][j + 1]) * 100) / 255);
                gradientSum += Math.abs(d);
            }
        }
        return Math.min(100, gradientSum / 90);
    }

    /** B = D A Dᵀ with D the 16×64 basis, summed in the reference's order. */
    private static float[][] dct16(float[][] a) {
        float[][] t = new float[16][64];
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 64; j++) {
                float sum = 0f;
                for (int k = 0; k < 64; k++) {
                    sum += DCT[i * 64 + k] * a[k][j];
                }
                t[i][j] = sum;
            }
        }
        float[][] b = new float[16][16];
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                float sum = 0f;
                for (int k = 0; k < 64; k++) {
                    sum += t[i][k] * DCT[j * 64 + k];
                }
                b[i][j] = sum;
            }
        }
        return b;
    }

    private static PdqHash bits(float[][] dct) {
        float[] flat = new float[256];
        for (int i = 0; i < 16; i++) {
            System.arraycopy(dct[i], 0, flat, i * 16, 16);
        }
        float median = torben(flat);
        long[] w = new long[4];
        for (int k = 0; k < 256; k++) {
            if (flat[k] > median) {
                w[k >>> 6] |= 1L << (k & 63);
            }
        }
        return new PdqHash(w);
    }

    /** Torben's median (no copy, no sort), as the reference computes it, ties and all. */
    static float torben(float[] m) {
        int n = m.length;
        float min = m[0];
        float max = m[0];
        for (int i = 1; i < n; i++) {
            if (m[i] < min) {
                min = m[i];
            }
            if (m[i] > max) {
                max = m[i];
            }
        }
        int less;
        int greater;
        int equal;
        float guess;
        float maxltguess;
        float mingtguess;
        while (true) {
            guess = (min + max) / 2;
            less = 0;
            greater = 0;
            equal = 0;
            maxltguess = min;
            mingtguess = max;
            for (int i = 0; i < n; i++) {
                if (m[i] < guess) {
                    less++;
                    if (m[i] > maxltguess) {
                        maxltguess = m[i];
                    }
                } else if (m[i] > guess) {
                    greater++;
                    if (m[i] < mingtguess) {
                        mingtguess = m[i];
                    }
                } else {
                    equal++;
                }
            }
            if (less <= (n + 1) / 2 && greater <= (n + 1) / 2) {
                break;
            } else if (less > greater) {
                max = maxltguess;
            } else {
                min = mingtguess;
            }
        }
        if (less >= (n + 1) / 2) {
            return maxltguess;
        } else if (less + equal >= (n + 1) / 2) {
            return guess;
        }
        return mingtguess;
    }
}
