package io.safeframe.frames.faces;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.safeframe.frames.media.Frame;

/**
 * The changes a face photo goes through between enrolment and a generated frame, as far as they can be made from
 * the photo itself: each takes an RGB image and the face centre in it, and gives the changed image and where that
 * centre went. JDK imaging only (the same decoder the reference was made with).
 */
final class Augment {

    record Moved(BufferedImage image, double cx, double cy) {
    }

    interface Change {
        Moved apply(BufferedImage img, double cx, double cy);
    }

    private Augment() {
    }

    static Moved flip(BufferedImage img, double cx, double cy) {
        BufferedImage out = blank(img.getWidth(), img.getHeight());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setRGB(img.getWidth() - 1 - x, y, img.getRGB(x, y));
            }
        }
        return new Moved(out, img.getWidth() - 1 - cx, cy);
    }

    static Moved jpeg50(BufferedImage img, double cx, double cy) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.5f);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            writer.dispose();
            return new Moved(ImageIO.read(new ByteArrayInputStream(bytes.toByteArray())), cx, cy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Moved half(BufferedImage img, double cx, double cy) {
        BufferedImage out = blank(Math.max(1, img.getWidth() / 2), Math.max(1, img.getHeight() / 2));
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return new Moved(out, cx / 2, cy / 2);
    }

    static Change brightness(double factor) {
        return (img, cx, cy) -> {
            BufferedImage out = blank(img.getWidth(), img.getHeight());
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int p = img.getRGB(x, y);
                    int r = clamp((p >> 16 & 0xff) * factor);
                    int gg = clamp((p >> 8 & 0xff) * factor);
                    int b = clamp((p & 0xff) * factor);
                    out.setRGB(x, y, r << 16 | gg << 8 | b);
                }
            }
            return new Moved(out, cx, cy);
        };
    }

    /** Rotation about the face centre; the corners it uncovers are black. */
    static Change rotate(double degrees) {
        return (img, cx, cy) -> {
            BufferedImage out = blank(img.getWidth(), img.getHeight());
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            AffineTransform t = AffineTransform.getRotateInstance(Math.toRadians(degrees), cx, cy);
            g.drawImage(img, t, null);
            g.dispose();
            Point2D c = t.transform(new Point2D.Double(cx, cy), null);
            return new Moved(out, c.getX(), c.getY());
        };
    }

    /** Gaussian blur, σ = 2 px (7×7 kernel): soft focus or a low-quality upscale. */
    static Moved blur(BufferedImage img, double cx, double cy) {
        int n = 7;
        float[] k = new float[n * n];
        double sum = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double d2 = (x - 3) * (x - 3) + (y - 3) * (y - 3);
                k[y * n + x] = (float) Math.exp(-d2 / (2 * 2.0 * 2.0));
                sum += k[y * n + x];
            }
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        BufferedImage out = new ConvolveOp(new Kernel(n, n, k), ConvolveOp.EDGE_NO_OP, null).filter(img, blank(img.getWidth(), img.getHeight()));
        return new Moved(out, cx, cy);
    }

    static BufferedImage crop(Frame f, int x, int y, int w, int h) {
        BufferedImage out = blank(w, h);
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx++) {
                int i = ((y + yy) * f.width() + x + xx) * 3;
                byte[] p = f.pixels();
                out.setRGB(xx, yy, (p[i] & 0xff) << 16 | (p[i + 1] & 0xff) << 8 | p[i + 2] & 0xff);
            }
        }
        return out;
    }

    static Frame frame(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                px[i] = (byte) (p >> 16);
                px[i + 1] = (byte) (p >> 8);
                px[i + 2] = (byte) p;
            }
        }
        return new Frame(0, 0, w, h, 3, px);
    }

    private static BufferedImage blank(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
