package io.safeframe.identity.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local CA: certificates chain to it, name the service, are kept when valid, and keys are owner-only. */
class LocalCaTest {

    @TempDir
    Path dir;

    @Test
    void issuesOneCertificatePerServiceChainedToTheCaAndKeepsThem() throws Exception {
        LocalCa ca = new LocalCa(dir);
        ca.ensure(List.of("policy-service", "gateway-service"));
        X509Certificate root = Pem.readCertificate(dir.resolve("ca/ca.crt"));
        X509Certificate policy = Pem.readCertificate(dir.resolve("policy-service/tls.crt"));
        policy.verify(root.getPublicKey());
        assertTrue(policy.getSubjectX500Principal().getName().contains("CN=policy-service"), policy.getSubjectX500Principal().getName());
        assertEquals(root, Pem.readCertificate(dir.resolve("gateway-service/ca.crt")));
        assertEquals(policy.getPublicKey(), Pem.readCertificate(dir.resolve("policy-service/tls.crt")).getPublicKey());
        // the key matches the certificate
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(Pem.readPrivateKey(dir.resolve("policy-service/tls.key")));
        s.update(new byte[] { 1 });
        byte[] sig = s.sign();
        s.initVerify(policy.getPublicKey());
        s.update(new byte[] { 1 });
        assertTrue(s.verify(sig));

        ca.ensure(List.of("policy-service"));
        assertEquals(policy, Pem.readCertificate(dir.resolve("policy-service/tls.crt")), "a valid certificate is kept");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("policy-service/tls.key"))));
    }
}
