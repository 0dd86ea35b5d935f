package io.safeframe.generator.render;

import java.util.HashMap;
import java.util.Map;

/**
 * A 3×5 pixel font for A–Z and 0–9, drawn straight into RGB bytes. The JDK's font rendering needs fontconfig and
 * system fonts that a slim container does not have; the clip only needs legible block letters.
 */
final class PixelFont {

    static final int WIDTH = 3;
    static final int HEIGHT = 5;

    private static final Map<Character, String> GLYPHS = new HashMap<>();

    static {
        String[] rows = {
                "A010101111101101", "B110101110101110", "C011100100100011", "D110101101101110", "E111100110100111",
                "F111100110100100", "G011100101101011", "H101101111101101", "I111010010010111", "J001001001101010",
                "K101101110101101", "L100100100100111", "M101111111101101", "N110101101101101", "O010101101101010",
                "P110101110100100", "Q010101101110011", "R110101110101101", "S011100010001110", "T111010010010010",
                "U101101101101111", "V101101101101010", "W101101111111101", "X101101010101101", "Y101101010010010",
                "Z111001010100111", "0111101101101111", "1010110010010111", "2110001010100111", "3110001010001110",
                "4101101111001001", "5111100110001110", "6011100111101111", "7111001010010010", "8111101111101111",
                "9111101111001110" };
        for (String row : rows) {
            GLYPHS.put(row.charAt(0), row.substring(1));
        }
    }

    private PixelFont() {
    }

    /** Draws text (unknown characters as spaces) with its top-left corner at (x, y), each font pixel scale×scale. */
    static void draw(byte[] rgb, int width, int height, String text, int x, int y, int scale, int color) {
        for (int i = 0; i < text.length(); i++) {
            String glyph = GLYPHS.get(Character.toUpperCase(text.charAt(i)));
            int left = x + i * (WIDTH + 1) * scale;
            if (glyph == null) {
                continue;
            }
            for (int gy = 0; gy < HEIGHT; gy++) {
                for (int gx = 0; gx < WIDTH; gx++) {
                    if (glyph.charAt(gy * WIDTH + gx) == '1') {
                        Canvas.fillRect(rgb, width, height, left + gx * scale, y + gy * scale, scale, scale, color);
                    }
                }
            }
        }
    }

    static int textWidth(String text, int scale) {
        return text.length() * (WIDTH + 1) * scale;
    }
}
