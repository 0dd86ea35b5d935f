package io.safeframe.provenance.watermark;

/**
 * Maps a luma plane to the canonical 256×256 grid (area averaging, so every source pixel counts with its
 * exact share) and a canonical residual back to the plane (bilinear, pixel-centre aligned). Precomputed per
 * frame size; one instance serves every frame of a video.
 */
final class CanonicalGrid {

    private final int width;
    private final int height;
    private final Taps columns;
    private final Taps rows;
    private final int[] upX0;
    private final float[] upFx;
    private final int[] upY0;
    private final float[] upFy;

    /** For each canonical index: where its weights start, how many source pixels (from firstSource) it averages. */
    private record Taps(int[] start, int[] count, float[] weights) {
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
        int[] start = new int[n];
        int[] count = new int[n];
        java.util.List<Float> weights = new java.util.ArrayList<>();
        double scale = (double) size / n;
        for (int o = 0; o < n; o++) {
            double a = o * scale;
            double b = (o + 1) * scale;
            int first = (int) Math.floor(a);
            int last = Math.min(size - 1, (int) Math.ceil(b) - 1);
            start[o] = weights.size();
            count[o] = last - first + 1;
            for (int i = first; i <= last; i++) {
                double overlap = Math.min(b, i + 1) - Math.max(a, i);
                weights.add((float) (overlap / scale));
            }
        }
        float[] w = new float[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(i);
        }
        return new Taps(start, count, w);
    }

    private int firstSource(int o, int size) {
        return (int) Math.floor(o * ((double) size / WatermarkLayout.GRID));
    }

    /** Area-averaged canonical grid of a float plane (row-major, width × height). */
    float[] down(float[] plane) {
        int n = WatermarkLayout.GRID;
        float[] horizontal = new float[height * n];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int o = 0; o < n; o++) {
                int first = firstSource(o, width);
                int w0 = columns.start()[o];
                float sum = 0f;
                for (int k = 0; k < columns.count()[o]; k++) {
                    sum += plane[row + first + k] * columns.weights()[w0 + k];
                }
                horizontal[y * n + o] = sum;
            }
        }
        float[] out = new float[n * n];
        for (int o = 0; o < n; o++) {
            int first = firstSource(o, height);
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

    /** Adds the bilinear upsampling of a canonical residual to the plane. */
    void addUp(float[] residual, float[] plane) {
        int n = WatermarkLayout.GRID;
        for (int y = 0; y < height; y++) {
            int y0 = Math.max(0, Math.min(n - 1, upY0[y]));
            int y1 = Math.max(0, Math.min(n - 1, upY0[y] + 1));
            float fy = upY0[y] < 0 ? 0f : upY0[y] + 1 > n - 1 ? 0f : upFy[y];
            int r0 = y0 * n;
            int r1 = y1 * n;
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int x0 = Math.max(0, Math.min(n - 1, upX0[x]));
                int x1 = Math.max(0, Math.min(n - 1, upX0[x] + 1));
                float fx = upX0[x] < 0 ? 0f : upX0[x] + 1 > n - 1 ? 0f : upFx[x];
                float top = residual[r0 + x0] + (residual[r0 + x1] - residual[r0 + x0]) * fx;
                float bottom = residual[r1 + x0] + (residual[r1 + x1] - residual[r1 + x0]) * fx;
                plane[row + x] += top + (bottom - top) * fy;
            }
        }
    }
}
