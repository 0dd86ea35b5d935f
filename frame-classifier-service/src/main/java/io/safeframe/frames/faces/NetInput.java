package io.safeframe.frames.faces;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.model.Tensor;

/**
 * face-api's input preparation (NetInput.toBatchTensor): a region of the frame padded with zeros to a square, resized
 * to size × size with TF.js resizeBilinear (alignCorners = false, halfPixelCenters = false), then (value − mean) / 255
 * per channel (/ 256 for the descriptor net, as face-api's FaceRecognitionNet divides). The padded square is never materialised: resizing samples it virtually (a 1920×1080 frame would
 * otherwise need a 1920×1920 float copy).
 */
final class NetInput {

    private NetInput() {
    }

    /**
     * @param centered face-api pads detector input at the bottom/right only, age-net input on both sides (the larger
     *        half, round(diff / 2), after the image)
     */
    static Tensor square(Frame f, int x0, int y0, int w, int h, int size, boolean centered, float[] meanRgb) {
        return square(f, x0, y0, w, h, size, centered, meanRgb, 255f);
    }

    /**
     * A face box as face-api's extractFaceTensors cuts it (Box.clipAtImageBorders, then floored to whole pixels),
     * centred in its square; null when the box has no pixels inside the frame.
     */
    static Tensor face(Frame f, FaceBox box, int size, float[] meanRgb, float divisor) {
        int[] c = clip(f, box);
        return c == null ? null : square(f, c[0], c[1], c[2], c[3], size, true, meanRgb, divisor);
    }

    /** The box clipped to the frame and floored: {x, y, width, height}, or null when nothing is left. */
    static int[] clip(Frame f, FaceBox box) {
        double x = Math.max(box.x(), 0);
        double y = Math.max(box.y(), 0);
        int cx = (int) Math.floor(x);
        int cy = (int) Math.floor(y);
        int cw = (int) Math.floor(Math.min(box.right() - x, f.width() - x));
        int ch = (int) Math.floor(Math.min(box.bottom() - y, f.height() - y));
        if (cw <= 0 || ch <= 0 || cx >= f.width() || cy >= f.height()) {
            return null;
        }
        return new int[] { cx, cy, cw, ch };
    }

    static Tensor square(Frame f, int x0, int y0, int w, int h, int size, boolean centered, float[] meanRgb, float divisor) {
        int side = Math.max(w, h);
        int offX = 0;
        int offY = 0;
        if (centered) {
            // padToSquare(isCenterImage): round(diff × 0.5) appended, the rest prepended
            int diff = Math.abs(w - h);
            int before = diff - (int) Math.round(diff * 0.5);
            if (w < h) {
                offX = before;
            } else {
                offY = before;
            }
        }
        Tensor out = new Tensor(size, size, 3);
        float[] y = out.data();
        double ratio = (double) side / size;
        byte[] px = f.pixels();
        int ch = f.channels();
        for (int r = 0; r < size; r++) {
            double fr = side == size ? r : ratio * r;
            int r0 = (int) Math.floor(fr);
            int r1 = Math.min(side - 1, (int) Math.ceil(fr));
            double dr = fr - r0;
            for (int c = 0; c < size; c++) {
                double fc = side == size ? c : ratio * c;
                int c0 = (int) Math.floor(fc);
                int c1 = Math.min(side - 1, (int) Math.ceil(fc));
                double dc = fc - c0;
                for (int k = 0; k < 3; k++) {
                    int kk = ch == 1 ? 0 : k;
                    double tl = at(px, f.width(), ch, kk, x0, y0, w, h, c0 - offX, r0 - offY);
                    double tr = at(px, f.width(), ch, kk, x0, y0, w, h, c1 - offX, r0 - offY);
                    double bl = at(px, f.width(), ch, kk, x0, y0, w, h, c0 - offX, r1 - offY);
                    double br = at(px, f.width(), ch, kk, x0, y0, w, h, c1 - offX, r1 - offY);
                    double top = tl + (tr - tl) * dc;
                    double bottom = bl + (br - bl) * dc;
                    float v = (float) (top + (bottom - top) * dr); // TF.js stores the resized value as float32
                    y[(r * size + c) * 3 + k] = (v - meanRgb[k]) / divisor;
                }
            }
        }
        return out;
    }

    /** The region's pixel (x, y), 0 in the padding. */
    private static int at(byte[] px, int stride, int ch, int k, int x0, int y0, int w, int h, int x, int y) {
        if (x < 0 || y < 0 || x >= w || y >= h) {
            return 0;
        }
        return px[((y0 + y) * stride + x0 + x) * ch + k] & 0xff;
    }
}
