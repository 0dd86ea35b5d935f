package io.safeframe.provenance.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.provenance.watermark.MediaMarker;
import io.safeframe.provenance.watermark.WatermarkRing;

/**
 * ./safeframe wm embed IN OUT [--payload HEX16]  and  ./safeframe wm detect IN  (images and MP4s).
 * The key ring comes from SAFEFRAME_WATERMARK_KEY (one secret of ≥ 16 characters per version, oldest first, comma
 * separated); ./safeframe generates a dev key on first use and `./safeframe rotate-key watermark` adds a version.
 * embed marks with the newest version; detect tries every version and names the one that found the mark.
 * detect prints one JSON line: detected, payload (hex), confidence, p_value, pilot_agreement, frames_used, key_id.
 */
public final class WatermarkCli {

    public static void main(String[] args) throws Exception {
        String secret = System.getenv("SAFEFRAME_WATERMARK_KEY");
        if (secret == null || secret.trim().length() < 16) {
            System.err.println("SAFEFRAME_WATERMARK_KEY (a secret of at least 16 characters) is not set");
            System.exit(2);
        }
        WatermarkRing ring = WatermarkRing.parse(secret);
        MediaMarker media = ring.marker();
        ObjectMapper json = new ObjectMapper();
        try {
            if (args.length >= 3 && args[0].equals("embed")) {
                byte[] payload = new byte[8];
                if (args.length >= 5 && args[3].equals("--payload")) {
                    payload = HexFormat.of().parseHex(args[4]);
                    if (payload.length != 8) {
                        throw new IllegalArgumentException("--payload is 16 hex digits (64 bits)");
                    }
                } else {
                    new SecureRandom().nextBytes(payload);
                    payload[0] = (byte) (0x10 | (payload[0] & 0x0f)); // version 1 in the top nibble
                }
                long t0 = System.nanoTime();
                int frames = media.mark(Path.of(args[1]), Path.of(args[2]), payload);
                ObjectNode out = json.createObjectNode().put("marked", args[2]).put("payload", HexFormat.of().formatHex(payload))
                        .put("frames", frames).put("key_id", ring.newest().id()).put("ms", (System.nanoTime() - t0) / 1_000_000);
                System.out.println(out);
            } else if (args.length == 2 && args[0].equals("detect")) {
                WatermarkRing.Found found = ring.detect(Path.of(args[1]));
                MediaMarker.Read r = found.read();
                ObjectNode out = json.createObjectNode().put("detected", r.detection().detected()).put("payload", r.detection().payloadHex())
                        .put("confidence", r.detection().confidence()).put("p_value", r.detection().pValue())
                        .put("pilot_agreement", r.detection().pilotAgreement()).put("key_id", found.keyId());
                r.framesUsed().forEach(out.putArray("frames_used")::add);
                System.out.println(out);
            } else {
                System.err.println("usage: wm embed IN OUT [--payload HEX16] | wm detect IN");
                System.exit(2);
            }
        } catch (MediaMarker.MediaError | IllegalArgumentException e) {
            System.err.println(new String(("wm: " + e.getMessage()).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            System.exit(1);
        }
    }
}
