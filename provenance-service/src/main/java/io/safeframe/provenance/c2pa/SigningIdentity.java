package io.safeframe.provenance.c2pa;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.safeframe.provenance.manifest.ClaimSigner;

/**
 * The C2PA claim signer: an ES256 (P-256) key and its certificate chain, end-entity first. Production mounts
 * {@code c2pa-signer.key.pem} and {@code c2pa-chain.pem} from a Secret; locally a dev chain (root CA → signer) is
 * generated on first start into the key directory. The signer certificate follows the C2PA certificate profile
 * (v3, not self-signed, digitalSignature, EKU id-kp-emailProtection — the one c2pa-wasm 0.13.3 accepts — and id-kp-documentSigning, AKI), so validators accept it as well formed
 * and report only that its root is not on their trust list.
 */
public record SigningIdentity(PrivateKey key, List<X509Certificate> chain) implements ClaimSigner {

    static final String KEY_FILE = "c2pa-signer.key.pem";
    static final String CHAIN_FILE = "c2pa-chain.pem";
    private static final ASN1ObjectIdentifier DOCUMENT_SIGNING = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36");

    /** Loads the identity from {@code dir}, generating a dev chain there first when allowed and absent. */
    public static SigningIdentity load(Path dir, boolean generateIfMissing) {
        Path key = dir.resolve(KEY_FILE);
        Path chain = dir.resolve(CHAIN_FILE);
        try {
            if (!Files.exists(key) || !Files.exists(chain)) {
                if (!generateIfMissing) {
                    throw new IllegalStateException("no C2PA signing key in " + dir + " (" + KEY_FILE + ", " + CHAIN_FILE + ")");
                }
                writeDevChain(key, chain);
            }
            return fromPem(Files.readString(key), Files.readString(chain));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("C2PA signing identity in " + dir + " is unusable", e);
        }
    }

    /** From PEM text (production: the Secret's c2pa-signer-key and c2pa-chain, passed as environment variables). */
    public static SigningIdentity fromPem(String keyPem, String chainPem) {
        try {
            return new SigningIdentity(readKey(new java.io.StringReader(keyPem)), readChain(new java.io.StringReader(chainPem)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the C2PA signing key or chain PEM is unusable: " + e.getMessage(), e);
        }
    }

    /** The ring id of this identity: 16 hex of SHA-256 over the signer certificate's public key. */
    public String keyId() {
        return keyIdOf(chain.get(0));
    }

    public static String keyIdOf(X509Certificate signer) {
        return io.safeframe.provenance.manifest.C2paReader.keyIdOf(signer);
    }

    /** A fresh dev chain (its own root CA → signer) into the two files; used on first start and by rotation. */
    static void writeDevChain(Path key, Path chainFile) throws GeneralSecurityException, OperatorCreationException, IOException {
        Path dir = key.toAbsolutePath().getParent();
        KeyPair root = ecKeyPair();
        KeyPair signer = ecKeyPair();
        Instant now = Instant.now();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X500Name rootName = new X500Name("CN=Safeframe dev root CA (not trusted),O=Safeframe local");
        X509v3CertificateBuilder rootBuilder = new JcaX509v3CertificateBuilder(rootName, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(3650))), rootName, root.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(root.getPublic()));
        X509Certificate rootCert = sign(rootBuilder, root.getPrivate());
        X509v3CertificateBuilder signerBuilder = new JcaX509v3CertificateBuilder(rootCert,
                serial(), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))),
                new X500Name("CN=Safeframe provenance-service (dev),O=Safeframe local"), signer.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_emailProtection,
                        KeyPurposeId.getInstance(DOCUMENT_SIGNING) }))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(signer.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(rootCert));
        X509Certificate signerCert = sign(signerBuilder, root.getPrivate());
        Files.createDirectories(dir);
        Files.writeString(key, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(signer.getPrivate(), null))); // PKCS#8 "PRIVATE KEY"
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.writeString(chainFile, pem(signerCert) + pem(rootCert));
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(object);
        }
        return out.toString();
    }

    private static PrivateKey readKey(Reader r) throws IOException {
        try (PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            throw new IOException("no private key in the PEM");
        }
    }

    private static List<X509Certificate> readChain(Reader r) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in the chain PEM");
        }
        return List.copyOf(chain);
    }
}
