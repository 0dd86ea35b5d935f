package io.safeframe.frames.text.ocr;

import io.safeframe.frames.media.Frame;

/**
 * A cheap look at where a frame could hold text, so OCR (≈0.3 s a frame) runs only where text appears or changes.
 * The frame is cut into a 16×9 grid; a cell is "texty" when many of its pixels sit on a sharp horizontal step in
 * brightness — glyph strokes do, gradients and the smooth edges of large shapes do not. Two frames differ when a
 * cell became or stopped being texty, or a texty cell's mean brightness moved (new words in the same place).
 */
public final class TextSignature {

    static final int COLUMNS = 16;
    static final int ROWS = 9;
    /** A step of this many grey levels between neighbours counts as a stroke edge. */
    static final int EDGE_STEP = 48;
    /** Share of a cell's pixels on stroke edges from which the cell may hold text. */
    static final double TEXTY_SHARE = 0.06;
    /** Mean brightness change of a texty cell that counts as changed content. */
    static final double MEAN_CHANGE = 6;

    private final boolean[] texty = new boolean[COLUMNS * ROWS];
    private final double[] mean = new double[COLUMNS * ROWS];

    private TextSignature() {
    }

    public static TextSignature of(Frame f) {
        byte[] grey = Luma.of(f);
        int w = f.width();
        int h = f.height();
        TextSignature s = new TextSignature();
        long[] edges = new long[COLUMNS * ROWS];
        long[] sum = new long[COLUMNS * ROWS];
        long[] count = new long[COLUMNS * ROWS];
        for (int y = 0; y < h; y++) {
            int row = Math.min(ROWS - 1, y * ROWS / h);
            for (int x = 0; x < w; x++) {
                int cell = row * COLUMNS + Math.min(COLUMNS - 1, x * COLUMNS / w);
                int v = grey[y * w + x] & 0xFF;
                sum[cell] += v;
                count[cell]++;
                if (x + 1 < w && Math.abs(v - (grey[y * w + x + 1] & 0xFF)) >= EDGE_STEP) {
                    edges[cell]++;
                }
            }
        }
        for (int c = 0; c < s.texty.length; c++) {
            s.texty[c] = count[c] > 0 && edges[c] >= TEXTY_SHARE * count[c];
            s.mean[c] = count[c] == 0 ? 0 : sum[c] / (double) count[c];
        }
        return s;
    }

    /** Whether any cell may hold text. */
    public boolean hasText() {
        for (boolean t : texty) {
            if (t) {
                return true;
            }
        }
        return false;
    }

    /**
     * Horizontal bands (pixel rows [from, to)) that hold texty cells, one cell of margin each side, touching bands
     * merged. OCR reads each band alone: on a whole 640×360 frame tesseract's layout analysis returned nothing for a
     * clean caption that the same caption's band read perfectly (gradients and shapes around it misled it).
     */
    public java.util.List<int[]> bands(int height) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            boolean any = false;
            for (int c = 0; c < COLUMNS; c++) {
                any |= texty[r * COLUMNS + c];
            }
            if (!any) {
                continue;
            }
            int from = Math.max(0, (r - 1) * height / ROWS);
            int to = Math.min(height, (r + 2) * height / ROWS);
            if (!out.isEmpty() && out.get(out.size() - 1)[1] >= from) {
                out.get(out.size() - 1)[1] = to;
            } else {
                out.add(new int[] { from, to });
            }
        }
        return out;
    }

    /** Whether text appeared, went or changed since {@code before} (null: nothing seen yet). */
    public boolean differsFrom(TextSignature before) {
        if (before == null) {
            return true;
        }
        for (int c = 0; c < texty.length; c++) {
            if (texty[c] != before.texty[c] || texty[c] && Math.abs(mean[c] - before.mean[c]) >= MEAN_CHANGE) {
                return true;
            }
        }
        return false;
    }
}
