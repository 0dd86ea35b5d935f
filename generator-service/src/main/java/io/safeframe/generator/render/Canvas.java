package io.safeframe.generator.render;

/** The few drawing primitives the scene needs, on packed RGB24 rows, clipped to the frame. */
final class Canvas {

    private Canvas() {
    }

    static void set(byte[] rgb, int width, int x, int y, int color) {
        int i = (y * width + x) * 3;
        rgb[i] = (byte) (color >> 16);
        rgb[i + 1] = (byte) (color >> 8);
        rgb[i + 2] = (byte) color;
    }

    static void fillRect(byte[] rgb, int width, int height, int x, int y, int w, int h, int color) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        for (int yy = y0; yy < y1; yy++) {
            for (int xx = x0; xx < x1; xx++) {
                set(rgb, width, xx, yy, color);
            }
        }
    }

    static void fillCircle(byte[] rgb, int width, int height, int cx, int cy, int r, int color) {
        int y0 = Math.max(0, cy - r);
        int y1 = Math.min(height - 1, cy + r);
        for (int y = y0; y <= y1; y++) {
            int dy = y - cy;
            int half = (int) Math.sqrt((double) r * r - (double) dy * dy);
            int x0 = Math.max(0, cx - half);
            int x1 = Math.min(width - 1, cx + half);
            for (int x = x0; x <= x1; x++) {
                set(rgb, width, x, y, color);
            }
        }
    }

    static int mix(int a, int b, double t) {
        int r = (int) Math.round(((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
        int g = (int) Math.round(((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
        int bl = (int) Math.round((a & 255) * (1 - t) + (b & 255) * t);
        return (r << 16) | (g << 8) | bl;
    }
}
