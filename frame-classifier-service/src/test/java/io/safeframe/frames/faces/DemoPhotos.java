package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.safeframe.frames.media.Frame;

/** The six face-api demo photos the build unpacks into target/face-samples, decoded as tools/face-model/DecodeRgb.java does. */
public final class DemoPhotos {

    public static final String[] NAMES = { "sample1", "sample2", "sample3", "sample4", "sample5", "sample6" };

    private DemoPhotos() {
    }

    /** RGB24 by the JDK's ImageIO, the decoder the TF.js reference was fed from. */
    public static Frame load(String name) throws IOException {
        Path file = Path.of("target/face-samples", name + ".jpg");
        if (!Files.isRegularFile(file)) {
            fail(file + " missing: the build unpacks the face-api demo photos there (tools/face-model/build-model)");
        }
        BufferedImage img = javax.imageio.ImageIO.read(file.toFile());
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
}
