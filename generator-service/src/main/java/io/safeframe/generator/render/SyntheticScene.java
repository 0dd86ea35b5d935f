package io.safeframe.generator.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A clip's content as a pure function of (prompt, seed): a gradient whose colours drift, shapes that move and
 * bounce, and the prompt's first words scrolling along the bottom. Same inputs, same pixels — so a test can hash a
 * frame of a prompt's clip into a bank and expect the classifier to find it when the prompt is generated again.
 */
public final class SyntheticScene {

    private record Shape(boolean circle, double x, double y, double vx, double vy, int size, int color) {
    }

    private final int width;
    private final int height;
    private final int top;
    private final int bottom;
    private final List<Shape> shapes = new ArrayList<>();
    private final String caption;

    public SyntheticScene(String prompt, long seed, int width, int height) {
        this.width = width;
        this.height = height;
        SplittableRandom random = new SplittableRandom(seedOf(prompt) ^ seed);
        this.top = random.nextInt(0x1000000);
        this.bottom = random.nextInt(0x1000000);
        int count = 3 + random.nextInt(4);
        int unit = Math.min(width, height);
        for (int i = 0; i < count; i++) {
            shapes.add(new Shape(random.nextBoolean(), random.nextDouble(width), random.nextDouble(height),
                    (random.nextDouble() - 0.5) * unit / 40.0, (random.nextDouble() - 0.5) * unit / 40.0,
                    unit / 16 + random.nextInt(unit / 8), random.nextInt(0x1000000)));
        }
        this.caption = caption(prompt);
    }

    /** Renders frame {@code index} into {@code rgb} (width × height × 3 bytes). */
    public void render(int index, byte[] rgb) {
        double t = index / 240.0;
        int from = Canvas.mix(top, bottom, 0.5 + 0.5 * Math.sin(t * 2 * Math.PI));
        int to = Canvas.mix(bottom, top, 0.5 + 0.5 * Math.cos(t * 2 * Math.PI));
        for (int y = 0; y < height; y++) {
            int color = Canvas.mix(from, to, y / (double) (height - 1));
            Canvas.fillRect(rgb, width, height, 0, y, width, 1, color);
        }
        for (Shape s : shapes) {
            int x = bounce(s.x + s.vx * index, width);
            int y = bounce(s.y + s.vy * index, height);
            if (s.circle) {
                Canvas.fillCircle(rgb, width, height, x, y, s.size / 2, s.color);
            } else {
                Canvas.fillRect(rgb, width, height, x - s.size / 2, y - s.size / 2, s.size, s.size, s.color);
            }
        }
        int scale = Math.max(2, Math.min(width, height) / 90);
        int textWidth = PixelFont.textWidth(caption, scale);
        int x = width - (index * scale) % (width + textWidth);
        int y = height - (PixelFont.HEIGHT + 2) * scale;
        Canvas.fillRect(rgb, width, height, 0, y - scale, width, (PixelFont.HEIGHT + 2) * scale, 0x101010);
        PixelFont.draw(rgb, width, height, caption, x, y, scale, 0xF0F0F0);
    }

    /** Position on a segment [0, size) that an object moving at constant speed bounces back and forth along. */
    private static int bounce(double position, int size) {
        double period = 2.0 * size;
        double p = ((position % period) + period) % period;
        return (int) (p < size ? p : period - p);
    }

    private static String caption(String prompt) {
        String letters = prompt.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]+", " ").strip();
        return letters.length() > 40 ? letters.substring(0, 40) : letters;
    }

    private static long seedOf(String prompt) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < 8; i++) {
                seed = (seed << 8) | (digest[i] & 0xFF);
            }
            return seed;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
