package io.safeframe.provenance.watermark;

/**
 * Maps a luma plane to the canonical 256×256 grid (area averaging, so every source pixel counts with its
 * exact share) and a canonical residual back to the plane (bilinear, pixel-centre aligned). Precomputed per
 * frame size; one instance serves every frame of a video.
 */
final class CanonicalGrid {

    private static final java.util.Map<Long, CanonicalGrid> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** One grid per frame size (a video has one size; the tables are read-only once built). */
    static CanonicalGrid of(int width, int height) {
        if (CACHE.size() > 64) {
            CACHE.clear();
        }
        return CACHE.computeIfAbsent(((long) width << 32) | height, k -> new CanonicalGrid(width, height));
    }

    private final int width;
    private final int height;
    private final Taps columns;
    private final Taps rows;
    private final int[] upX0;
    private final float[] upFx;
    private final int[] upY0;
    private final float[] upFy;

    /** For each canonical index: its first source pixel, how many it averages, where their weights start. */
    private record Taps(int[] first, int[] count, int[] start, float[] weights) {
    }

    CanonicalGrid(int width, int height) {
        this.width = width;
        this.height = height;
        this.columns = taps(width);
        this.rows = taps(height);
        upX0 = new int[width];
        upFx = new float[width];
        for (int x = 0; x < width; x++) {
            float s = (x + 0.5f) * WatermarkLayout.GRID / width - 0.5f;
            int x0 = (int) Math.floor(s);
            upFx[x] = s - x0;
            upX0[x] = x0;
        }
        upY0 = new int[height];
        upFy = new float[height];
        for (int y = 0; y < height; y++) {
            float s = (y + 0.5f) * WatermarkLayout.GRID / height - 0.5f;
            int y0 = (int) Math.floor(s);
            upFy[y] = s - y0;
            upY0[y] = y0;
        }
    }

    private static Taps taps(int size) {
        int n = WatermarkLayout.GRID;
        int[] firstOf = new int[n];
        int[] start = new int[n];
        int[] count = new int[n];
        float[] weights = new float[n * ((int) Math.ceil((double) size / n) + 2)];
        int used = 0;
        double scale = (double) size / n;
        for (int o = 0; o < n; o++) {
            double a = o * scale;
            double b = (o + 1) * scale;
            int first = (int) Math.floor(a);
            int last = Math.min(size - 1, (int) Math.ceil(b) - 1);
            firstOf[o] = first;
            start[o] = used;
            count[o] = last - first + 1;
            for (int i = first; i <= last; i++) {
                double overlap = Math.min(b, i + 1) - Math.max(a, i);
                weights[used++] = (float) (overlap / scale);
            }
        }
        return new Taps(firstOf, count, start, java.util.Arrays.copyOf(weights, used));
    }

    /** Area-averaged canonical grid of an 8-bit plane (row-major, width × height). */
    float[] down(byte[] plane) {
        int n = WatermarkLayout.GRID;
        float[] horizontal = new float[height * n];
        int[] firsts = columns.first();
        float[] weights = columns.weights();
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int o = 0; o < n; o++) {
                int first = row + firsts[o];
                int w0 = columns.start()[o];
                int count = columns.count()[o];
                float sum = 0f;
                for (int k = 0; k < count; k++) {
                    sum += (plane[first + k] & 0xff) * weights[w0 + k];
                }
                horizontal[y * n + o] = sum;
            }
        }
        float[] out = new float[n * n];
        for (int o = 0; o < n; o++) {
            int first = rows.first()[o];
            int w0 = rows.start()[o];
            for (int k = 0; k < rows.count()[o]; k++) {
                float w = rows.weights()[w0 + k];
                int src = (first + k) * n;
                int dst = o * n;
                for (int x = 0; x < n; x++) {
                    out[dst + x] += horizontal[src + x] * w;
                }
            }
        }
        return out;
    }

    private float[][] roundTripX;
    private float[][] roundTripY;

    /**
     * What down(up(r)) does to a canonical residual, as two 256×256 matrices (one per axis): lets the embedder
     * pre-compensate the blur of the round trip in the canonical domain instead of re-reading the full frame.
     */
    synchronized float[][][] roundTrip() {
        if (roundTripX == null) {
            roundTripX = roundTripAxis(width, columns, upX0, upFx);
            roundTripY = roundTripAxis(height, rows, upY0, upFy);
        }
        return new float[][][] { roundTripX, roundTripY };
    }

    private float[][] roundTripAxis(int size, Taps taps, int[] up0, float[] upF) {
        int n = WatermarkLayout.GRID;
        float[][] m = new float[n][n];
        float[] line = new float[size];
        for (int i = 0; i < n; i++) {
            for (int x = 0; x < size; x++) {
                int x0 = Math.max(0, Math.min(n - 1, up0[x]));
                int x1 = Math.max(0, Math.min(n - 1, up0[x] + 1));
                float f = up0[x] < 0 ? 0f : up0[x] + 1 > n - 1 ? 0f : upF[x];
                line[x] = (x0 == i ? 1 - f : 0) + (x1 == i ? f : 0);
            }
            for (int o = 0; o < n; o++) {
                int first = taps.first()[o];
                float sum = 0f;
                for (int k = 0; k < taps.count()[o]; k++) {
                    sum += line[first + k] * taps.weights()[taps.start()[o] + k];
                }
                m[o][i] = sum;
            }
        }
        return m;
    }

    /** Adds the bilinear upsampling of a canonical residual to the 8-bit plane, rounding and clipping. */
    void addUp(float[] residual, byte[] plane) {
        int n = WatermarkLayout.GRID;
        int[] x0s = new int[width];
        int[] x1s = new int[width];
        float[] fxs = new float[width];
        for (int x = 0; x < width; x++) {
            x0s[x] = Math.max(0, Math.min(n - 1, upX0[x]));
            x1s[x] = Math.max(0, Math.min(n - 1, upX0[x] + 1));
            fxs[x] = upX0[x] < 0 ? 0f : upX0[x] + 1 > n - 1 ? 0f : upFx[x];
        }
        float[] top = new float[n];
        float[] line = new float[n];
        for (int y = 0; y < height; y++) {
            int y0 = Math.max(0, Math.min(n - 1, upY0[y]));
            int y1 = Math.max(0, Math.min(n - 1, upY0[y] + 1));
            float fy = upY0[y] < 0 ? 0f : upY0[y] + 1 > n - 1 ? 0f : upFy[y];
            int r0 = y0 * n;
            int r1 = y1 * n;
            // interpolate vertically once per canonical column, then horizontally per pixel
            for (int i = 0; i < n; i++) {
                top[i] = residual[r0 + i];
                line[i] = top[i] + (residual[r1 + i] - top[i]) * fy;
            }
            int row = y * width;
            for (int x = 0; x < width; x++) {
                float a = line[x0s[x]];
                float v = (plane[row + x] & 0xff) + a + (line[x1s[x]] - a) * fxs[x];
                int q = (int) (v + 0.5f);
                plane[row + x] = (byte) (q < 0 ? 0 : q > 255 ? 255 : q);
            }
        }
    }
}
