package io.safeframe.provenance.watermark;

/**
 * Stills arrive as RGB; the mark lives in luma. JPEG's full-range BT.601 YCbCr: the chroma of every pixel is
 * kept, only Y changes, then back to RGB (with rounding and clipping).
 */
public final class RgbLuma {

    private RgbLuma() {
    }

    public static byte[] luma(byte[] rgb) {
        byte[] y = new byte[rgb.length / 3];
        for (int i = 0, p = 0; i < y.length; i++, p += 3) {
            double v = 0.299 * (rgb[p] & 0xff) + 0.587 * (rgb[p + 1] & 0xff) + 0.114 * (rgb[p + 2] & 0xff);
            y[i] = (byte) Math.round(v);
        }
        return y;
    }

    /** Applies a new luma plane to RGB pixels in place (each pixel shifted by its luma change, chroma kept). */
    public static void applyLuma(byte[] rgb, byte[] oldLuma, byte[] newLuma) {
        for (int i = 0, p = 0; i < newLuma.length; i++, p += 3) {
            int d = (newLuma[i] & 0xff) - (oldLuma[i] & 0xff);
            if (d == 0) {
                continue;
            }
            // adding the same amount to R, G and B changes Y by exactly that amount and leaves Cb, Cr unchanged
            for (int c = 0; c < 3; c++) {
                rgb[p + c] = (byte) Math.max(0, Math.min(255, (rgb[p + c] & 0xff) + d));
            }
        }
    }
}
