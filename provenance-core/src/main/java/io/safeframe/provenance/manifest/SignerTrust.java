package io.safeframe.provenance.manifest;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a manifest's signer is one we trust: its certificate chain must lead, by PKIX path validation, to one of
 * the configured trust anchors (locally the dev root provenance-service generates; in production the trust list),
 * and the signer certificate must fit the C2PA certificate profile. A signature that matches the certificate it
 * carries proves nothing on its own: anyone can make a self-signed certificate.
 *
 * <p>Revocation is not checked (verification runs offline, without OCSP/CRL fetching); documented in
 * docs/verify-isolation.md.
 */
public final class SignerTrust {

    /** EKUs the C2PA certificate profile admits for claim signers: emailProtection, documentSigning, c2pa-kp-claimSigning. */
    static final Set<String> SIGNER_EKUS = Set.of("1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.62558.2.1");
    static final String ANY_EKU = "2.5.29.37.0";

    public static final SignerTrust NONE = new SignerTrust(List.of());

    public record Verdict(boolean trusted, String problem) {
        static Verdict no(String why) {
            return new Verdict(false, "signingCredential.untrusted: " + why);
        }
    }

    private final Set<TrustAnchor> anchors;

    /** Only CA certificates become anchors: an end-entity certificate in a trust file must not vouch for itself. */
    public SignerTrust(Collection<X509Certificate> certificates) {
        Set<TrustAnchor> set = new LinkedHashSet<>();
        for (X509Certificate c : certificates) {
            if (c.getBasicConstraints() >= 0) {
                set.add(new TrustAnchor(c, null));
            }
        }
        this.anchors = Set.copyOf(set);
    }

    /** From PEM text holding any number of certificates (a trust list file or ConfigMap value). */
    public static SignerTrust fromPem(String pem) {
        if (pem == null || pem.isBlank()) {
            return NONE;
        }
        try {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                certs.add((X509Certificate) c);
            }
            return new SignerTrust(certs);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the trust anchor PEM is unusable: " + e.getMessage(), e);
        }
    }

    public int anchorCount() {
        return anchors.size();
    }

    /** {@code chain}: the x5chain, signer first. */
    public Verdict check(List<X509Certificate> chain, Date at) {
        if (chain.isEmpty()) {
            return Verdict.no("no certificate");
        }
        X509Certificate signer = chain.get(0);
        String profile = profileProblem(signer);
        if (profile != null) {
            return Verdict.no(profile);
        }
        if (anchors.isEmpty()) {
            return Verdict.no("no trust anchors are configured");
        }
        // a root the manifest carries is not part of the path: the anchor set decides which roots count
        List<X509Certificate> path = chain.stream().filter(c -> !selfIssued(c)).toList();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(at);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return new Verdict(true, null);
        } catch (CertPathValidatorException e) {
            return Verdict.no("the chain does not lead to a trust anchor (" + e.getReason() + ")");
        } catch (GeneralSecurityException e) {
            return Verdict.no("the chain cannot be checked: " + e.getMessage());
        }
    }

    /** The C2PA signer certificate profile: v3, not self-signed, digitalSignature, a signer EKU and not anyEKU. */
    static String profileProblem(X509Certificate c) {
        if (c.getVersion() != 3) {
            return "the signer certificate is not X.509 v3";
        }
        if (selfIssued(c)) {
            return "the signer certificate is self-signed";
        }
        if (c.getBasicConstraints() >= 0) {
            return "the signer certificate is a CA certificate";
        }
        boolean[] usage = c.getKeyUsage();
        if (usage == null || !usage[0]) {
            return "the signer certificate lacks the digitalSignature key usage";
        }
        try {
            List<String> ekus = c.getExtendedKeyUsage();
            if (ekus == null || ekus.contains(ANY_EKU) || ekus.stream().noneMatch(SIGNER_EKUS::contains)) {
                return "the signer certificate lacks a C2PA signer extended key usage (emailProtection, documentSigning, c2pa claimSigning)";
            }
        } catch (CertificateParsingException e) {
            return "the signer certificate's extended key usage is unreadable";
        }
        return null;
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }
}
