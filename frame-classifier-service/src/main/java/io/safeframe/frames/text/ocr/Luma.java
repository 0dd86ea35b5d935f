package io.safeframe.frames.text.ocr;

import io.safeframe.frames.media.Frame;

/** A frame's grey levels (one byte per pixel), the input of both the text-change check and OCR. */
final class Luma {

    private Luma() {
    }

    static byte[] of(Frame f) {
        int n = f.width() * f.height();
        if (f.channels() == 1) {
            return f.pixels();
        }
        byte[] grey = new byte[n];
        byte[] p = f.pixels();
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            grey[i] = (byte) ((299 * (p[j] & 0xFF) + 587 * (p[j + 1] & 0xFF) + 114 * (p[j + 2] & 0xFF) + 500) / 1000);
        }
        return grey;
    }
}
