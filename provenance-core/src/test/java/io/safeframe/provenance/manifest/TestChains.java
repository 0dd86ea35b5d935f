package io.safeframe.provenance.manifest;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate chains for trust tests: a CA and signers that fit the C2PA profile, and ones that do not. */
public final class TestChains {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** A signer for tests: key and chain, end entity first. */
    public record Signer(PrivateKey key, List<X509Certificate> chain) implements ClaimSigner {
    }

    public record Ca(KeyPair keys, X509Certificate cert) {
    }

    private TestChains() {
    }

    public static Ca ca(String name) throws Exception {
        KeyPair keys = ec();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = builder(subject, subject, keys, Duration.ofDays(3650))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Ca(keys, sign(b, keys.getPrivate()));
    }

    /** A claim signer issued by {@code ca} with the given EKUs (none: the extension is left out). */
    public static Signer issuedBy(Ca ca, KeyPurposeId... ekus) throws Exception {
        KeyPair keys = ec();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                new X500Name("CN=test signer " + SERIAL.get()), keys, Duration.ofDays(30))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (ekus.length > 0) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ekus));
        }
        return new Signer(keys.getPrivate(), List.of(sign(b, ca.keys().getPrivate())));
    }

    /** What any attacker can make in a second: a certificate that signs itself, with the right EKU. */
    public static Signer selfSigned() throws Exception {
        KeyPair keys = ec();
        X500Name name = new X500Name("CN=Safeframe provenance-service (looks official)");
        X509v3CertificateBuilder b = builder(name, name, keys, Duration.ofDays(30))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        return new Signer(keys.getPrivate(), List.of(sign(b, keys.getPrivate())));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration valid) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(valid)), subject, keys.getPublic());
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
