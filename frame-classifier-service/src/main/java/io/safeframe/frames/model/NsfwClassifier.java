package io.safeframe.frames.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.safeframe.frames.media.Frame;

/**
 * nsfwjs's MobileNetV2 image classifier (npm nsfwjs 4.4.0, MIT; classes Drawing, Hentai, Neutral, Porn, Sexy),
 * converted at build time by tools/nsfw-model/build-model and run by {@link KerasModel}. Preprocessing as
 * nsfwjs: bilinear resize to 224×224 (TF.js resizeBilinear, alignCorners = true) only when the size differs,
 * then value / 255.
 */
public final class NsfwClassifier {

    public static final String MODEL_ID = "nsfw-mobilenet-v2";
    public static final String[] CLASSES = { "Drawing", "Hentai", "Neutral", "Porn", "Sexy" };
    private static final String RESOURCES = "model/" + MODEL_ID + "/";

    private final KerasModel model;

    public NsfwClassifier(KerasModel model) {
        this.model = model;
    }

    public static NsfwClassifier fromClasspath() {
        ClassLoader loader = NsfwClassifier.class.getClassLoader();
        try (InputStream json = loader.getResourceAsStream(RESOURCES + "model.json");
                InputStream weights = loader.getResourceAsStream(RESOURCES + "weights.bin")) {
            if (json == null || weights == null) {
                throw new IllegalStateException("classifier model missing from the classpath (" + RESOURCES
                        + "); it is built by tools/nsfw-model/build-model during the Maven build");
            }
            return new NsfwClassifier(new KerasModel(json, weights));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Class probabilities in {@link #CLASSES} order. */
    public float[] classify(Frame frame) {
        return model.predict(input(frame, model.inputSize()));
    }

    /** Probabilities for an input already size × size × 3 in [0, 1]. */
    public float[] classifyScaled(float[] input) {
        return model.predict(input);
    }

    static float[] input(Frame f, int size) {
        int w = f.width();
        int h = f.height();
        int ch = f.channels();
        byte[] px = f.pixels();
        float[] out = new float[size * size * 3];
        if (w == size && h == size) {
            for (int i = 0; i < size * size; i++) {
                for (int c = 0; c < 3; c++) {
                    out[i * 3 + c] = (px[i * ch + (ch == 1 ? 0 : c)] & 0xff) / 255f;
                }
            }
            return out;
        }
        // alignCorners: the corner pixels of input and output coincide
        float sy = size > 1 ? (float) (h - 1) / (size - 1) : 0f;
        float sx = size > 1 ? (float) (w - 1) / (size - 1) : 0f;
        for (int y = 0; y < size; y++) {
            float fy = y * sy;
            int y0 = (int) Math.floor(fy);
            int y1 = Math.min(h - 1, (int) Math.ceil(fy));
            float dy = fy - y0;
            for (int x = 0; x < size; x++) {
                float fx = x * sx;
                int x0 = (int) Math.floor(fx);
                int x1 = Math.min(w - 1, (int) Math.ceil(fx));
                float dx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    int cc = ch == 1 ? 0 : c;
                    float tl = px[(y0 * w + x0) * ch + cc] & 0xff;
                    float tr = px[(y0 * w + x1) * ch + cc] & 0xff;
                    float bl = px[(y1 * w + x0) * ch + cc] & 0xff;
                    float br = px[(y1 * w + x1) * ch + cc] & 0xff;
                    float top = tl + (tr - tl) * dx;
                    float bottom = bl + (br - bl) * dx;
                    out[(y * size + x) * 3 + c] = (top + (bottom - top) * dy) / 255f;
                }
            }
        }
        return out;
    }
}
