package io.safeframe.provenance.c2pa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.provenance.manifest.C2paEmbedder;
import io.safeframe.provenance.manifest.C2paReader;
import io.safeframe.provenance.manifest.MediaBytes;
import io.safeframe.provenance.manifest.SignerTrust;

/**
 * Our manifests read by the C2PA reference implementation (c2pa-rs as npm @contentauth/c2pa-wasm 0.13.3 in Node):
 * JPEG, PNG and MP4 are Valid, with only "signingCredential.untrusted" (the dev root is on no trust list); one
 * flipped byte of the media is a hard-binding mismatch. Our own reader must agree on every file.
 */
class C2paValidationTest {

    private static final Path DIR = Path.of("target", "c2pa-validation");
    private static final Path MODULES = Path.of("target", "c2pa-check").toAbsolutePath();
    private static final Path KEYS = Path.of("target", "c2pa-test-keys");
    private static C2paEmbedder embedder;

    @BeforeAll
    static void media() throws Exception {
        Files.createDirectories(DIR);
        run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", DIR.resolve("in.png").toString());
        run("ffmpeg", "-v", "error", "-y", "-i", DIR.resolve("in.png").toString(), "-q:v", "3", DIR.resolve("in.jpg").toString());
        // with an audio track: the hard binding covers it too
        run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24", "-f", "lavfi", "-i", "sine=frequency=440",
                "-t", "2", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
                DIR.resolve("in.mp4").toString());
        run(Path.of("tools", "c2pa-check", "install").toAbsolutePath().toString(), MODULES.toString());
        embedder = new C2paEmbedder(SigningIdentity.load(KEYS, true));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static Map<String, JsonNode> reference(List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", Path.of("tools", "c2pa-check", "check.mjs").toAbsolutePath().toString()));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("C2PA_CHECK_MODULES", MODULES.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Map<String, JsonNode> byFile = new java.util.HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.strip().split("\n")) {
            JsonNode n = json.readTree(line);
            byFile.put(Path.of(n.get("file").asText()).getFileName().toString(), n);
        }
        return byFile;
    }

    private static Path signed(String in, String type, String out) throws Exception {
        byte[] bytes = Files.readAllBytes(DIR.resolve(in));
        C2paEmbedder.Signed s = embedder.sign(bytes, type, "safeframe-synthetic", "1", "1a2b3c4d5e6f7081");
        Files.write(DIR.resolve(out), s.media());
        return DIR.resolve(out);
    }

    /** One flipped bit well inside the picture / media data, away from the manifest. */
    private static Path tampered(Path file, String type, String out) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int at = switch (type) {
            case "video/mp4" -> indexOf(b, "mdat") + 200;
            default -> b.length - 50;
        };
        b[at] ^= 0x01;
        Files.write(DIR.resolve(out), b);
        return DIR.resolve(out);
    }

    private static int indexOf(byte[] b, String ascii) {
        outer: for (int i = 0; i + 4 <= b.length; i++) {
            for (int k = 0; k < 4; k++) {
                if (b[i + k] != ascii.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException(ascii + " not found");
    }

    @Test
    void referenceValidatorAcceptsOurManifestsAndCatchesOneFlippedByte() throws Exception {
        Map<String, String> types = Map.of("jpg", "image/jpeg", "png", "image/png", "mp4", "video/mp4");
        List<Path> files = new ArrayList<>();
        for (var t : types.entrySet()) {
            Path s = signed("in." + t.getKey(), t.getValue(), "signed." + t.getKey());
            files.add(s);
            files.add(tampered(s, t.getValue(), "tampered." + t.getKey()));
        }
        Map<String, JsonNode> seen = reference(files);
        for (var t : types.entrySet()) {
            JsonNode good = seen.get("signed." + t.getKey());
            assertEquals("Valid", good.get("state").asText(), good.toString());
            assertEquals("[\"signingCredential.untrusted\"]", good.get("codes").toString(), "only the (expected) untrusted dev signer: " + good);
            assertEquals("[\"c2pa.created\",\"c2pa.watermarked\"]", good.get("actions").toString(), good.toString());
            JsonNode bad = seen.get("tampered." + t.getKey());
            String mismatch = t.getKey().equals("mp4") ? "assertion.bmffHash.mismatch" : "assertion.dataHash.mismatch";
            assertTrue(bad.get("codes").toString().contains(mismatch), bad.toString());
            assertEquals("Invalid", bad.get("state").asText());

            // our reader agrees
            C2paReader.Result ours = C2paReader.read(Files.readAllBytes(DIR.resolve("signed." + t.getKey())), t.getValue());
            assertTrue(ours.present() && ours.valid() && ours.signatureValid(), ours.toString());
            assertFalse(ours.trusted(), "no trust anchors given: nothing is trusted");
            // with the dev root as the anchor (as verify-service has it locally) the dev signer is trusted: its
            // certificate fits the C2PA signer profile our trust check demands
            C2paReader.Result anchored = C2paReader.read(MediaBytes.of(Files.readAllBytes(DIR.resolve("signed." + t.getKey()))), t.getValue(),
                    SignerTrust.fromPem(Files.readString(KEYS.resolve("c2pa-chain.pem"))));
            assertTrue(anchored.trusted(), anchored.toString());
            C2paReader.Result oursBad = C2paReader.read(Files.readAllBytes(DIR.resolve("tampered." + t.getKey())), t.getValue());
            assertFalse(oursBad.valid());
            assertEquals(List.of(mismatch), oursBad.problems());
        }
        // the unsigned originals carry no manifest
        assertFalse(C2paReader.read(Files.readAllBytes(DIR.resolve("in.jpg")), "image/jpeg").present());
        assertFalse(C2paReader.read(Files.readAllBytes(DIR.resolve("in.mp4")), "video/mp4").present());
    }

    @Test
    void signedMediaStillDecodesAndBadInputIsRefused() throws Exception {
        Path mp4 = signed("in.mp4", "video/mp4", "decodable.mp4");
        String probe = run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", mp4.toString());
        assertEquals(List.of("video", "audio"), probe.strip().lines().toList());
        Path jpg = signed("in.jpg", "image/jpeg", "decodable.jpg");
        run("ffmpeg", "-v", "error", "-y", "-i", jpg.toString(), "-f", "null", "-");
        for (String type : List.of("image/jpeg", "image/png", "video/mp4")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> embedder.sign("not media at all".getBytes(), type, "g", "1", "00"), type);
        }
        assertFalse(C2paReader.read("garbage".getBytes(), "video/mp4").present());
    }
}
