package io.safeframe.provenance.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** After `./safeframe rotate-key watermark` ("old" becomes "old,new"): new marks use the new key, old marks are still read. */
class WatermarkRingTest {

    private static final String OLD = "ring-test-watermark-key-old-0001";
    private static final String NEW = "ring-test-watermark-key-new-0002";
    private static final int W = 640;
    private static final int H = 360;

    // a textured frame (flat areas would carry the mark too, but texture is the realistic case)
    private static byte[] frame() {
        byte[] luma = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                luma[y * W + x] = (byte) Math.round(128 + 60 * Math.sin(x / 17.0) * Math.cos(y / 23.0) + 30 * Math.sin((x + y) / 7.0));
            }
        }
        return luma;
    }

    private static byte[] markedWith(WatermarkRing ring) {
        byte[] luma = frame();
        ring.marker().watermarker().embed(luma, W, H, Payload.codeword(HexFormat.of().parseHex("1a2b3c4d5e6f7081")));
        return luma;
    }

    @Test
    void newMarksUseTheNewestKeyAndOldMarksAreStillRead() {
        WatermarkRing before = WatermarkRing.parse(OLD);
        WatermarkRing after = WatermarkRing.parse(OLD + "," + NEW);
        String oldId = before.newest().id();
        String newId = after.newest().id();
        assertNotEquals(oldId, newId);
        assertEquals(oldId, after.keys().byId(oldId).orElseThrow().id(), "the old version stays in the ring");

        byte[] oldMark = markedWith(before);
        byte[] newMark = markedWith(after);
        assertEquals(oldId, after.detectedBy(oldMark, W, H), "media marked before the rotation is read, and the key named");
        assertEquals(newId, after.detectedBy(newMark, W, H));
        assertNull(before.detectedBy(newMark, W, H), "the old ring alone cannot read the new key's mark");
        assertNull(after.detectedBy(frame(), W, H), "no version claims an unmarked frame");
        assertEquals(2 * before.bound().unsearched(), after.bound().unsearched(), "each version is held to half the bound");
    }

    @Test
    void aRetiredKeysMarkIsNotFoundAndNotAttributedToAnotherKey() {
        WatermarkRing withOld = WatermarkRing.parse(OLD + "," + NEW);
        WatermarkRing retired = WatermarkRing.parse(NEW + ",ring-test-watermark-key-third-03");
        byte[] oldMark = markedWith(WatermarkRing.parse(OLD));
        assertEquals(withOld.keys().ids().get(0), withOld.detectedBy(oldMark, W, H));
        assertNull(retired.detectedBy(oldMark, W, H), "once retired, the old key's marks are no detection at all");
    }
}
