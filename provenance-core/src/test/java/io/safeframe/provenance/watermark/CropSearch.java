package io.safeframe.provenance.watermark;

/**
 * The v1 reader's resynchronisation, kept in the tests as the baseline WatermarkRobustnessTest measures (the
 * product reads through {@link Resync}). Resynchronisation after a centred crop ("zoom"): the canonical grid is proportional to the whole frame, so a
 * crop shifts and rescales every carrier. Each hypothesis "the picture keeps {@code keep} of the original in both
 * directions, centred" rebuilds a plane of the original's proportions — the crop in the middle, the lost border
 * filled with the picture's mean — and reads it; the border carriers read as noise, the rest as the mark, and the
 * hypothesis with the most agreeing pilots wins. Several hypotheses mean several chances for noise, so a detection
 * through the search is held to the false-positive bound divided by their number (Bonferroni).
 */
final class CropSearch {

    /** Kept fraction per side: 98 % … 80 % in 1 % steps (a step moves the grid's edge by ≤ 1.3 canonical pixels). */
    static final double[] KEEP = keeps();

    private CropSearch() {
    }

    private static double[] keeps() {
        double[] k = new double[19];
        for (int i = 0; i < k.length; i++) {
            k[i] = 0.98 - 0.01 * i;
        }
        return k;
    }

    /** A reading and what it says. */
    record Result(Watermarker.Reading reading, Detection detection) {
    }

    /** Reads as is; if that finds no mark, reads at the best centred-crop hypothesis (with the stricter bound). */
    static Result detect(Watermarker marker, byte[] luma, int width, int height, WatermarkKey key) {
        Watermarker.Reading direct = marker.read(luma, width, height);
        Detection found = Detection.of(direct, key);
        if (found.detected()) {
            return new Result(direct, found);
        }
        Watermarker.Reading cropped = readAs(marker, luma, width, height, bestKeep(marker, luma, width, height, key));
        Detection resynced = Detection.of(cropped, key, HYPOTHESES);
        return resynced.detected() ? new Result(cropped, resynced) : new Result(direct, found);
    }

    /** The direct reading and each crop: what the Bonferroni correction divides the bound by. */
    static final int HYPOTHESES = KEEP.length + 1;

    /** The hypothesis whose reading agrees best with the key's pilots. */
    static double bestKeep(Watermarker marker, byte[] luma, int width, int height, WatermarkKey key) {
        byte fill = mean(luma);
        double best = KEEP[0];
        int bestAgreement = -1;
        for (double keep : KEEP) {
            int agreement = readAs(marker, luma, width, height, keep, fill).pilotAgreement(key);
            if (agreement > bestAgreement) {
                bestAgreement = agreement;
                best = keep;
            }
        }
        return best;
    }

    /** Reads the plane as the centre {@code keep} × {@code keep} of a larger original. */
    static Watermarker.Reading readAs(Watermarker marker, byte[] luma, int width, int height, double keep) {
        return readAs(marker, luma, width, height, keep, mean(luma));
    }

    private static Watermarker.Reading readAs(Watermarker marker, byte[] luma, int width, int height, double keep, byte fill) {
        int fullWidth = (int) Math.round(width / keep);
        int fullHeight = (int) Math.round(height / keep);
        int left = (fullWidth - width) / 2;
        int top = (fullHeight - height) / 2;
        byte[] full = new byte[fullWidth * fullHeight];
        java.util.Arrays.fill(full, fill);
        for (int y = 0; y < height; y++) {
            System.arraycopy(luma, y * width, full, (top + y) * fullWidth + left, width);
        }
        return marker.read(full, fullWidth, fullHeight);
    }

    private static byte mean(byte[] luma) {
        long sum = 0;
        for (byte b : luma) {
            sum += b & 0xFF;
        }
        return (byte) (sum / Math.max(1, luma.length));
    }
}
