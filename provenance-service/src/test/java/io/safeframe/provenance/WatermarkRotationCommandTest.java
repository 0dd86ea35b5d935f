package io.safeframe.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.provenance.watermark.WatermarkRing;

/**
 * The documented commands on a throwaway data folder: mark with key A, {@code ./safeframe rotate-key watermark},
 * mark with key B; the ring the service then reads finds both files, each with its own key id (the ids the command
 * prints are the ones the registry records); {@code ./safeframe retire-key watermark A} and A's file is no longer
 * found at all — not claimed by another key.
 */
class WatermarkRotationCommandTest {

    private static final Path DIR = Path.of("target/wm-rotation-command");

    private static JsonNode safeframe(Path data, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("../safeframe"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SAFEFRAME_DATA", data.toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError(out)));
    }

    private static int fails(Path data, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("../safeframe"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SAFEFRAME_DATA", data.toAbsolutePath().toString());
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private static WatermarkRing ring(Path data) throws Exception {
        return WatermarkRing.parse(Files.readString(data.resolve("secrets/watermark-key")));
    }

    @Test
    void rotateMarkRotateRetire() throws Exception {
        Files.createDirectories(DIR);
        Path data = Files.createTempDirectory(DIR, "data-");
        Path in = DIR.resolve("in.png");
        ProvenanceServiceTest.run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360", "-frames:v", "1", in.toString());

        // the first rotation on a fresh folder: the dev key A (made on first use) and B after it
        JsonNode first = safeframe(data, "rotate-key", "watermark");
        String a = first.get("keyIds").get(0).asText();
        String b = first.get("newKeyId").asText();
        assertNotEquals(a, b);
        WatermarkRing ab = ring(data);
        assertEquals(List.of(a, b), ab.keys().ids(), "the command's ids are the ring's (and the registry's) ids");

        // A's mark made before the rotation (a ring of A alone), B's after it
        WatermarkRing onlyA = WatermarkRing.parse(Files.readString(data.resolve("secrets/watermark-key")).split(",")[0]);
        Path markedA = DIR.resolve("marked-a.png");
        Path markedB = DIR.resolve("marked-b.png");
        onlyA.marker().mark(in, markedA, HexFormat.of().parseHex("1a00000000000001"));
        ab.marker().mark(in, markedB, HexFormat.of().parseHex("1b00000000000002"));
        WatermarkRing.Found foundA = ab.detect(markedA);
        WatermarkRing.Found foundB = ab.detect(markedB);
        assertEquals(a, foundA.keyId());
        assertEquals("1a00000000000001", foundA.read().detection().payloadHex());
        assertEquals(b, foundB.keyId());
        assertEquals("1b00000000000002", foundB.read().detection().payloadHex());
        assertNull(ab.detect(in).keyId(), "the unmarked original: no key claims it");

        // the newest cannot be retired; an unknown id is refused
        assertNotEquals(0, fails(data, "retire-key", "watermark", b));
        assertNotEquals(0, fails(data, "retire-key", "watermark", "00000000"));
        safeframe(data, "rotate-key", "watermark");
        JsonNode retired = safeframe(data, "retire-key", "watermark", a);
        assertEquals(a, retired.get("retired").asText());
        WatermarkRing later = ring(data);
        assertEquals(2, later.keys().size());
        assertFalse(later.keys().ids().contains(a));
        WatermarkRing.Found afterRetire = later.detect(markedA);
        assertNull(afterRetire.keyId(), "a retired key's mark is found by no key");
        assertFalse(afterRetire.read().detection().detected());
        assertTrue(later.detect(markedB).read().detection().detected(), "B's marks are still read");
    }
}
