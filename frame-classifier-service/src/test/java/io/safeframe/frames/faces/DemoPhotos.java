package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.fail;

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
        return Augment.frame(javax.imageio.ImageIO.read(file.toFile()));
    }
}
