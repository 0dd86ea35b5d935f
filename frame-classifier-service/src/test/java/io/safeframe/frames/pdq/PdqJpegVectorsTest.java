package io.safeframe.frames.pdq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.safeframe.frames.classify.FrameAnalyzer;
import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;

/**
 * ThreatExchange's published JPEG vectors, decoded by ffmpeg here and by Pillow there. Tolerance: at most 12
 * bits for images of quality >= 50 (the spread between the reference ports themselves: the published expected hashes of the C++, Python and SQL ports for the same JPEGs differ by up to ~12 bits, because each uses another JPEG decoder);
 * images under quality 50 are near-flat, which is exactly why PDQ discards them, and are only reported.
 */
class PdqJpegVectorsTest {

    @Test
    void publishedJpegHashesWithinTolerance() throws Exception {
        Path dir = Path.of("src/test/resources/pdq/jpeg");
        Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
        int checked = 0;
        for (String line : Files.readAllLines(dir.resolve("expected-python.csv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",");
            Path file = dir.resolve(f[0]);
            MediaInfo info = ffmpeg.probe(file);
            Pdq.Result r = FrameAnalyzer.pdq(ffmpeg.decodeImage(file, info));
            int d = r.hash().distance(PdqHash.fromHex(f[1]));
            System.out.printf("pdq-jpeg: %-10s quality %3d distance %2d%n", f[0], r.quality(), d);
            if (r.quality() >= 50) {
                assertTrue(d <= 12, f[0] + ": " + d + " bits from the published hash");
                checked++;
            }
        }
        assertTrue(checked >= 6);
    }
}
