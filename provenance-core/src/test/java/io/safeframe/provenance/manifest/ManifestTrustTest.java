package io.safeframe.provenance.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

import javax.imageio.ImageIO;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * signatureValid and trusted are different questions: a manifest signed with a self-signed certificate has a valid
 * signature and must still read untrusted; only a signer that chains to a configured anchor with a C2PA signer
 * profile is trusted.
 */
class ManifestTrustTest {

    private static TestChains.Ca root;
    private static SignerTrust trust;
    private static byte[] png;
    private static byte[] jpeg;

    @BeforeAll
    static void setUp() throws Exception {
        root = TestChains.ca("Safeframe test root");
        trust = new SignerTrust(List.of(root.cert()));
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 80);
            }
        }
        png = encode(image, "png");
        jpeg = encode(image, "jpg");
    }

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static C2paReader.Result signAndRead(ClaimSigner signer, byte[] media, String type, SignerTrust with) {
        byte[] signed = new C2paEmbedder(signer).sign(media, type, "test", "1", "0011223344556677").media();
        return C2paReader.read(MediaBytes.of(signed), type, with);
    }

    @Test
    void aSignerChainingToTheAnchorIsTrusted() throws Exception {
        TestChains.Signer signer = TestChains.issuedBy(root, KeyPurposeId.id_kp_emailProtection, KeyPurposeId.getInstance(
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36")));
        for (var media : List.of(new Object[] { png, "image/png" }, new Object[] { jpeg, "image/jpeg" })) {
            C2paReader.Result r = signAndRead(signer, (byte[]) media[0], (String) media[1], trust);
            assertTrue(r.present() && r.valid() && r.signatureValid() && r.trusted(), r.toString());
            assertEquals(List.of(), r.problems());
        }
    }

    @Test
    void aSelfSignedManifestHasAValidSignatureButIsNotTrusted() throws Exception {
        C2paReader.Result r = signAndRead(TestChains.selfSigned(), png, "image/png", trust);
        assertTrue(r.present() && r.valid() && r.signatureValid(), r.toString());
        assertFalse(r.trusted());
        assertTrue(r.problems().get(0).startsWith("signingCredential.untrusted: the signer certificate is self-signed"), r.problems().toString());
        // even when the self-signed certificate itself is put on the trust list: an end-entity certificate is no anchor
        TestChains.Signer self = TestChains.selfSigned();
        assertFalse(signAndRead(self, png, "image/png", new SignerTrust(self.chain())).trusted());
    }

    @Test
    void anotherRootOrAMissingEkuIsNotTrusted() throws Exception {
        TestChains.Signer foreign = TestChains.issuedBy(TestChains.ca("Someone else's root"), KeyPurposeId.id_kp_emailProtection);
        C2paReader.Result r = signAndRead(foreign, png, "image/png", trust);
        assertTrue(r.signatureValid() && !r.trusted(), r.toString());
        assertTrue(r.problems().get(0).contains("does not lead to a trust anchor"), r.problems().toString());
        TestChains.Signer serverAuth = TestChains.issuedBy(root, KeyPurposeId.id_kp_serverAuth);
        assertTrue(SignerTrust.profileProblem(serverAuth.chain().get(0)).contains("extended key usage"));
        assertFalse(signAndRead(serverAuth, png, "image/png", trust).trusted());
        TestChains.Signer any = TestChains.issuedBy(root, KeyPurposeId.anyExtendedKeyUsage, KeyPurposeId.id_kp_emailProtection);
        assertFalse(trust.check(any.chain(), new Date()).trusted(), "anyExtendedKeyUsage is refused by the C2PA profile");
        // no anchors configured: nothing is trusted, however well formed
        assertFalse(signAndRead(TestChains.issuedBy(root, KeyPurposeId.id_kp_emailProtection), png, "image/png", SignerTrust.NONE).trusted());
    }

    @Test
    void aTamperedTrustedManifestIsNeitherValidNorTrusted() throws Exception {
        TestChains.Signer signer = TestChains.issuedBy(root, KeyPurposeId.id_kp_emailProtection);
        byte[] signed = new C2paEmbedder(signer).sign(png, "image/png", "test", "1", "0011223344556677").media();
        signed[signed.length - 20] ^= 0x01; // in the image data, after the manifest: the hard binding breaks
        C2paReader.Result r = C2paReader.read(MediaBytes.of(signed), "image/png", trust);
        assertTrue(r.signatureValid(), "the claim itself is untouched");
        assertFalse(r.valid());
        assertFalse(r.trusted());
    }

    @Test
    void readsFromAFileLikeFromBytes() throws Exception {
        TestChains.Signer signer = TestChains.issuedBy(root, KeyPurposeId.id_kp_emailProtection);
        byte[] signed = new C2paEmbedder(signer).sign(jpeg, "image/jpeg", "test", "1", "0011223344556677").media();
        Path file = Files.createTempFile("manifest-trust-", ".jpg");
        Files.write(file, signed);
        try (MediaBytes bytes = MediaBytes.open(file)) {
            C2paReader.Result r = C2paReader.read(bytes, "image/jpeg", trust);
            assertTrue(r.trusted(), r.toString());
        } finally {
            Files.delete(file);
        }
    }
}
