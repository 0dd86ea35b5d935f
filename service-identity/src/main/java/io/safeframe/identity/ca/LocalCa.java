package io.safeframe.identity.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The local service CA for development and tests: one CA and one certificate per service, laid out like the
 * Secrets cert-manager writes in Kubernetes ({@code <dir>/<service>/tls.crt, tls.key, ca.crt}), so a service reads
 * the same file names everywhere. Idempotent: what exists and is still valid for a week is kept; a file lock makes
 * concurrent callers (several test JVMs, ./safeframe up) safe.
 *
 * <p>Usage: {@code java ... io.safeframe.identity.ca.LocalCa DIR SERVICE...}
 */
public final class LocalCa {

    /** Keys and certificates of one local CA directory. */
    public static final String CA_DIR = "ca";
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    public LocalCa(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LocalCa DIR SERVICE...");
            System.exit(2);
        }
        new LocalCa(Path.of(args[0])).ensure(List.of(args).subList(1, args.length));
        System.out.println("service certificates in " + Path.of(args[0]).toAbsolutePath());
    }

    /** Makes the CA and each service's certificate unless they exist and are valid for a while yet. */
    public void ensure(List<String> services) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            Issued ca = ensureCa();
            for (String service : services) {
                ensureService(ca, service);
            }
        }
    }

    public Path serviceDir(String service) {
        return dir.resolve(service);
    }

    private Issued ensureCa() throws IOException, GeneralSecurityException {
        Path caDir = dir.resolve(CA_DIR);
        Path cert = caDir.resolve("ca.crt");
        Path key = caDir.resolve("ca.key");
        if (Files.exists(cert) && Files.exists(key) && stillValid(Pem.readCertificate(cert))) {
            return new Issued(Pem.readCertificate(cert), Pem.readKeyPair(key, Pem.readCertificate(cert)));
        }
        KeyPair pair = newKey();
        X500Name name = new X500Name("CN=Safeframe local service CA,O=Safeframe");
        X509v3CertificateBuilder builder = builder(name, name, pair);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate certificate = sign(builder, pair);
        Files.createDirectories(caDir);
        Pem.writePrivateKey(key, pair.getPrivate());
        Pem.writeCertificates(cert, List.of(certificate));
        return new Issued(certificate, pair);
    }

    private void ensureService(Issued ca, String service) throws IOException, GeneralSecurityException {
        Path out = dir.resolve(service);
        Path cert = out.resolve("tls.crt");
        Path key = out.resolve("tls.key");
        Path caCopy = out.resolve("ca.crt");
        if (Files.exists(cert) && Files.exists(key) && Files.exists(caCopy)) {
            X509Certificate existing = Pem.readCertificate(cert);
            if (stillValid(existing) && existing.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())
                    && verifies(existing, ca.certificate())) {
                return;
            }
        }
        KeyPair pair = newKey();
        X509v3CertificateBuilder builder = builder(new X500Name("CN=" + service + ",O=Safeframe"),
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), pair);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        // one certificate for both ends of a call: the service's server side and its clients
        builder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans(service)));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
        X509Certificate certificate = sign(builder, ca.keyPair());
        Files.createDirectories(out);
        Pem.writePrivateKey(key, pair.getPrivate());
        Pem.writeCertificates(cert, List.of(certificate));
        Pem.writeCertificates(caCopy, List.of(ca.certificate()));
    }

    /** Locally services are reached as 127.0.0.1 or localhost, in Kubernetes by their Service name. */
    private static GeneralName[] sans(String service) throws IOException {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, service));
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName("127.0.0.1").getHostAddress()));
        return names.toArray(GeneralName[]::new);
    }

    private static X509v3CertificateBuilder builder(X500Name subject, X500Name issuer, KeyPair pair) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static boolean stillValid(X509Certificate certificate) {
        return certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
    }

    private static boolean verifies(X509Certificate certificate, X509Certificate ca) {
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private record Issued(X509Certificate certificate, KeyPair keyPair) {
    }
}
