package io.safeframe.provenance.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * A cameo video's manifest asserts that consent was given (issue 21): the likeness registry's reference ids in an
 * assertion of our own, covered by the signed claim like every other; none when no cameo was used.
 */
class LikenessConsentAssertionTest {

    private static final String ID = "3f2b9c1e-8a4d-4e5f-9a6b-7c8d9e0f1a2b";

    private static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0x336699);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void consentIdsAreAssertedInsideTheSignedManifest() throws Exception {
        TestChains.Signer signer = TestChains.selfSigned();
        C2paEmbedder.Signed signed = new C2paEmbedder(signer).sign(png(), "image/png", "test", "1", "0011223344556677", List.of(ID));
        C2paReader.Result r = C2paReader.read(MediaBytes.of(signed.media()), "image/png", SignerTrust.NONE);
        assertTrue(r.valid() && r.signatureValid(), r.toString());

        JsonNode assertion = assertionContent(signed.store(), C2paManifest.LIKENESS_CONSENT_LABEL);
        assertTrue(assertion.get("consent_given").asBoolean());
        assertEquals(ID, assertion.get("consent_reference_ids").get(0).asText());
        String claim = new String(signed.store(), StandardCharsets.ISO_8859_1);
        assertTrue(claim.contains("c2pa.assertions/" + C2paManifest.LIKENESS_CONSENT_LABEL), "the claim covers the assertion");

        // changing the asserted id breaks the manifest: the assertion's hash is in the signed claim
        byte[] tampered = signed.media().clone();
        int at = indexOf(tampered, ID.getBytes(StandardCharsets.US_ASCII));
        tampered[at] = (byte) (tampered[at] == 'a' ? 'b' : 'a');
        C2paReader.Result broken = C2paReader.read(MediaBytes.of(tampered), "image/png", SignerTrust.NONE);
        assertFalse(broken.valid(), broken.toString());
        assertTrue(broken.problems().stream().anyMatch(p -> p.contains(C2paManifest.LIKENESS_CONSENT_LABEL)), broken.problems().toString());
    }

    @Test
    void noCameoNoConsentAssertion() throws Exception {
        C2paEmbedder.Signed signed = new C2paEmbedder(TestChains.selfSigned()).sign(png(), "image/png", "test", "1", "0011223344556677");
        assertEquals(-1, indexOf(signed.store(), C2paManifest.LIKENESS_CONSENT_LABEL.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(C2paReader.read(MediaBytes.of(signed.media()), "image/png", SignerTrust.NONE).valid());
    }

    /** The CBOR content of the labelled assertion: the bytes after its label's description box, in its cbor box. */
    private static JsonNode assertionContent(byte[] store, String label) throws Exception {
        int labelAt = indexOf(store, (label + "\0").getBytes(StandardCharsets.US_ASCII));
        int cbor = indexOf(store, "cbor".getBytes(StandardCharsets.US_ASCII), labelAt);
        int size = ((store[cbor - 4] & 0xff) << 24) | ((store[cbor - 3] & 0xff) << 16) | ((store[cbor - 2] & 0xff) << 8) | (store[cbor - 1] & 0xff);
        byte[] content = java.util.Arrays.copyOfRange(store, cbor + 4, cbor - 4 + size);
        return new CBORMapper().readTree(content);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        return indexOf(hay, needle, 0);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
