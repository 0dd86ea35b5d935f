package io.safeframe.provenance.c2pa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safeframe.keyring.KeyRing;
import io.safeframe.provenance.manifest.C2paEmbedder;
import io.safeframe.provenance.manifest.C2paReader;

/** `./safeframe rotate-key c2pa` (C2paKeys.rotate): the new version signs, manifests from the old one still validate. */
class C2paKeyRotationTest {

    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static C2paReader.Result signAndRead(KeyRing<SigningIdentity> ring, byte[] png) {
        byte[] signed = new C2paEmbedder(ring.newest().key()).sign(png, "image/png", "rotation-test", "1", "1a2b3c4d5e6f7081").media();
        return C2paReader.read(signed, "image/png");
    }

    @Test
    void theNewVersionSignsAndManifestsOfTheOldOneStillValidate(@TempDir Path dir) throws Exception {
        byte[] png = png();
        KeyRing<SigningIdentity> before = C2paKeys.load(dir, true);
        assertEquals(1, before.size());
        assertTrue(Files.exists(dir.resolve("c2pa-signer.key.pem")), "version 0 keeps the file name from before rings");
        C2paReader.Result old = signAndRead(before, png);

        String newId = C2paKeys.rotate(dir);
        KeyRing<SigningIdentity> after = C2paKeys.load(dir, false);
        assertEquals(2, after.size());
        assertEquals(newId, after.newest().id(), "the newest version signs");
        assertNotEquals(before.newest().id(), newId);
        C2paReader.Result fresh = signAndRead(after, png);

        assertTrue(old.valid(), "a manifest signed before the rotation still validates: " + old.problems());
        assertTrue(fresh.valid(), fresh.problems().toString());
        assertEquals(before.newest().id(), old.signerKeyId());
        assertEquals(newId, fresh.signerKeyId());
        // both signers are recognised as ours by the rotated ring
        assertEquals(before.newest().id(), C2paKeys.ours(after, old).orElseThrow());
        assertEquals(newId, C2paKeys.ours(after, fresh).orElseThrow());
        assertTrue(C2paKeys.ours(before, fresh).isEmpty(), "a ring without the new version does not claim its manifests");
    }
}
