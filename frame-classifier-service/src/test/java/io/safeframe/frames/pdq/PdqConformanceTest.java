package io.safeframe.frames.pdq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.Frame;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;

/**
 * Every sample: our hash bit-identical and our quality equal to the ThreatExchange C++ reference
 * (pdq-photo-hasher, commit baefb4e) on the same pixels — including the > 512 px squash, a grey image,
 * an exactly-64×64 image, a too-small image and a flat one. Expected values: src/test/resources/pdq/*.csv.
 */
class PdqConformanceTest {

    static final Path DIR = Path.of("src/test/resources/pdq");

    static Stream<String[]> samples() throws IOException {
        return rows("expected-cpp.csv").stream();
    }

    static Stream<String[]> dihedralSamples() throws IOException {
        return rows("expected-cpp-dihedral.csv").stream();
    }

    static List<String[]> rows(String name) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve(name), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.split(","));
            }
        }
        return out;
    }

    static Frame decode(String file) throws Exception {
        Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
        MediaInfo info = ffmpeg.probe(DIR.resolve(file));
        return ffmpeg.decodeImage(DIR.resolve(file), info);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("samples")
    void hashAndQualityEqualTheReference(String hash, String quality, String file) throws Exception {
        Frame f = decode(file);
        Pdq.Result r = Pdq.hashPixels(f.pixels(), f.width(), f.height(), f.channels());
        assertEquals(hash, r.hash().hex(), file);
        assertEquals(Integer.parseInt(quality), r.quality(), file);
        assertEquals(0, r.hash().distance(PdqHash.fromHex(hash)));
    }

    @ParameterizedTest(name = "{9}")
    @MethodSource("dihedralSamples")
    void dihedralHashesEqualTheReference(String h0, String h1, String h2, String h3, String h4, String h5, String h6, String h7,
            String quality, String file) throws Exception {
        Frame f = decode(file);
        Pdq.Dihedral d = Pdq.dihedralPixels(f.pixels(), f.width(), f.height(), f.channels());
        String[] expected = { h0, h1, h2, h3, h4, h5, h6, h7 };
        PdqHash[] actual = d.all();
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], actual[i].hex(), file + " variant " + i);
        }
        assertEquals(Integer.parseInt(quality), d.quality());
    }
}
