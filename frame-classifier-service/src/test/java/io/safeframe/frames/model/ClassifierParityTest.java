package io.safeframe.frames.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.Frame;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;

/**
 * The Java executor against the real TF.js: expected probabilities come from @tensorflow/tfjs 4.22.0 (pure-JS
 * CPU backend, Node 20) running the same converted model, by tools/nsfw-model/tfjs-reference.js; the first two
 * also match the independently recorded values in docs/classifier-reference.md. Tolerance 1e-3 per class.
 */
class ClassifierParityTest {

    static NsfwClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = NsfwClassifier.fromClasspath();
    }

    @Test
    void gradientPatternMatchesTfjs() {
        float[] input = new float[224 * 224 * 3];
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                int i = (y * 224 + x) * 3;
                input[i] = (x % 256) / 255f;
                input[i + 1] = (y % 256) / 255f;
                input[i + 2] = ((x + y) % 256) / 255f;
            }
        }
        assertClose(new double[] { 0.92735219, 0.0064329263, 0.065072984, 0.00083885650, 0.00030310699 }, classifier.classifyScaled(input));
    }

    @Test
    void zerosMatchTfjs() {
        assertClose(new double[] { 0.78830802, 0.026247105, 0.17337234, 0.010009589, 0.0020629063 },
                classifier.classifyScaled(new float[224 * 224 * 3]));
    }

    @Test
    void decodedFramesResizedLikeNsfwjsMatchTfjs() throws Exception {
        assertClose(new double[] { 0.84665775, 0.0016444834, 0.15163083, 0.000045930068, 0.000020987247 },
                classifier.classify(decode("testsrc2-640x360.png")));
        assertClose(new double[] { 0.78579199, 0.0099414727, 0.20384823, 0.00031494148, 0.00010330301 },
                classifier.classify(decode("mandelbrot-300x200.png")));
    }

    static Frame decode(String name) throws Exception {
        Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
        Path file = Path.of("src/test/resources/pdq", name);
        MediaInfo info = ffmpeg.probe(file);
        return ffmpeg.decodeImage(file, info);
    }

    static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-3, NsfwClassifier.CLASSES[i]);
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("classifier parity: max |Δ| = %.2e%n", worst);
    }
}
