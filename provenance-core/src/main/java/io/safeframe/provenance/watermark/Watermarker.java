package io.safeframe.provenance.watermark;

/**
 * Embeds and reads the mark in one luma plane (8-bit, row-major). Blind: reading needs only the key.
 * Embedding moves each carrier coefficient to the nearest point of its bit's dithered lattice; because the
 * canonical grid is an average over many pixels, the change is a smooth, low-amplitude pattern.
 */
public final class Watermarker {

    /** QIM step in canonical DCT units; ±step/4 is the worst-case error a carrier survives. */
    public static final double STEP = 56.0;
    private static final int PASSES = 2;
    /** The 8×8 DCT basis of each carrier coefficient (shared with {@link Resync}'s response maps). */
    static final float[][][] BASIS = basis();

    private final WatermarkKey key;

    public Watermarker(WatermarkKey key) {
        this.key = key;
    }

    public WatermarkKey key() {
        return key;
    }

    private static float[][][] basis() {
        float[][][] b = new float[WatermarkLayout.COEFFICIENTS.length][8][8];
        for (int c = 0; c < b.length; c++) {
            int u = WatermarkLayout.COEFFICIENTS[c][0];
            int v = WatermarkLayout.COEFFICIENTS[c][1];
            double au = u == 0 ? Math.sqrt(1.0 / 8) : Math.sqrt(2.0 / 8);
            double av = v == 0 ? Math.sqrt(1.0 / 8) : Math.sqrt(2.0 / 8);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    b[c][y][x] = (float) (au * av * Math.cos((2 * x + 1) * u * Math.PI / 16) * Math.cos((2 * y + 1) * v * Math.PI / 16));
                }
            }
        }
        return b;
    }

    /** The bit each carrier holds for this payload codeword: pilots first, then the codeword repeated. */
    boolean[] carrierBits(boolean[] codeword) {
        boolean[] bits = new boolean[WatermarkLayout.CARRIERS];
        for (int i = 0; i < WatermarkLayout.CARRIERS; i++) {
            bits[i] = i < WatermarkLayout.PILOT_BITS ? key.pilot[i] : codeword[(i - WatermarkLayout.PILOT_BITS) % WatermarkLayout.CODED_BITS];
        }
        return bits;
    }

    private float coefficient(float[] grid, int block, int which) {
        int bx = (block % WatermarkLayout.BLOCKS_PER_SIDE) * 8;
        int by = (block / WatermarkLayout.BLOCKS_PER_SIDE) * 8;
        float[][] b = BASIS[which];
        float sum = 0f;
        for (int y = 0; y < 8; y++) {
            int row = (by + y) * WatermarkLayout.GRID + bx;
            for (int x = 0; x < 8; x++) {
                sum += grid[row + x] * b[y][x];
            }
        }
        return sum;
    }

    /**
     * Marks the plane in place with the codeword (from {@link Payload#codeword}). One full-resolution read and
     * one full-resolution write: the blur of "spread to pixels, average back" is undone beforehand in the
     * canonical domain (a few fixed-point steps with the grid's round-trip matrices).
     */
    public void embed(byte[] luma, int width, int height, boolean[] codeword) {
        CanonicalGrid grid = CanonicalGrid.of(width, height);
        boolean[] bits = carrierBits(codeword);
        float[] canonical = grid.down(luma);
        float[] wanted = new float[WatermarkLayout.GRID * WatermarkLayout.GRID];
        for (int i = 0; i < WatermarkLayout.CARRIERS; i++) {
            int block = key.permutation[i];
            int which = key.coefficient[i];
            double c = coefficient(canonical, block, which);
            double offset = key.dither[i] * STEP + (bits[i] ? STEP / 2 : 0);
            float delta = (float) (Math.round((c - offset) / STEP) * STEP + offset - c);
            addPattern(wanted, block, which, delta);
        }
        float[][][] m = grid.roundTrip();
        float[] residual = wanted.clone();
        for (int iteration = 0; iteration < PASSES; iteration++) {
            float[] achieved = apply(m[1], m[0], residual);
            for (int i = 0; i < residual.length; i++) {
                residual[i] += wanted[i] - achieved[i];
            }
        }
        grid.addUp(residual, luma);
    }

    private static void addPattern(float[] grid, int block, int which, float amount) {
        int bx = (block % WatermarkLayout.BLOCKS_PER_SIDE) * 8;
        int by = (block / WatermarkLayout.BLOCKS_PER_SIDE) * 8;
        float[][] b = BASIS[which];
        for (int y = 0; y < 8; y++) {
            int row = (by + y) * WatermarkLayout.GRID + bx;
            for (int x = 0; x < 8; x++) {
                grid[row + x] += amount * b[y][x];
            }
        }
    }

    /** my · r · mxᵀ for 256×256 matrices that are nearly diagonal (only entries above 1e-6 are visited). */
    private static float[] apply(float[][] my, float[][] mx, float[] r) {
        int n = WatermarkLayout.GRID;
        float[] tmp = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int o = 0; o < n; o++) {
                float[] row = mx[o];
                float sum = 0f;
                for (int i = Math.max(0, o - 3); i <= Math.min(n - 1, o + 3); i++) {
                    sum += row[i] * r[y * n + i];
                }
                tmp[y * n + o] = sum;
            }
        }
        float[] out = new float[n * n];
        for (int o = 0; o < n; o++) {
            float[] row = my[o];
            for (int i = Math.max(0, o - 3); i <= Math.min(n - 1, o + 3); i++) {
                float w = row[i];
                if (w == 0f) {
                    continue;
                }
                for (int x = 0; x < n; x++) {
                    out[o * n + x] += w * tmp[i * n + x];
                }
            }
        }
        return out;
    }

    /** Soft readings of one plane: +1 means bit 0 sits exactly on its lattice, −1 bit 1. */
    public Reading read(byte[] luma, int width, int height) {
        float[] canonical = CanonicalGrid.of(width, height).down(luma);
        double[] pilot = new double[WatermarkLayout.PILOT_BITS];
        double[] coded = new double[WatermarkLayout.CODED_BITS];
        for (int i = 0; i < WatermarkLayout.CARRIERS; i++) {
            double c = coefficient(canonical, key.permutation[i], key.coefficient[i]);
            double phase = (c - key.dither[i] * STEP) / STEP;
            double soft = Math.cos(2 * Math.PI * phase);
            if (i < WatermarkLayout.PILOT_BITS) {
                pilot[i] = soft;
            } else {
                coded[(i - WatermarkLayout.PILOT_BITS) % WatermarkLayout.CODED_BITS] += soft;
            }
        }
        return new Reading(pilot, coded, 1);
    }

    /** Soft values, summed over frames: a video is read by adding its frames' readings. */
    public record Reading(double[] pilot, double[] coded, int frames) {

        public Reading plus(Reading other) {
            double[] p = pilot.clone();
            double[] c = coded.clone();
            for (int i = 0; i < p.length; i++) {
                p[i] += other.pilot[i];
            }
            for (int i = 0; i < c.length; i++) {
                c[i] += other.coded[i];
            }
            return new Reading(p, c, frames + other.frames);
        }

        /** Pilot bits whose summed reading has the expected sign. */
        public int pilotAgreement(WatermarkKey key) {
            int agree = 0;
            for (int i = 0; i < pilot.length; i++) {
                boolean bit1 = pilot[i] < 0;
                if (bit1 == key.pilot[i]) {
                    agree++;
                }
            }
            return agree;
        }

        /** Hard decisions on the coded bits (bit 1 where the summed reading is negative). */
        public boolean[] codedBits() {
            boolean[] bits = new boolean[coded.length];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = coded[i] < 0;
            }
            return bits;
        }
    }
}
