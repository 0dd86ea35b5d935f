package io.safeframe.identity.peer;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.grpc.Attributes;
import io.grpc.Grpc;

/**
 * The calling service from the TLS session of a gRPC call. The TLS layer has already checked the client
 * certificate against the service CA (the trust store): a certificate that does not chain to it fails the
 * handshake. What is left is to require one at all (plain HTTP, or TLS without a client certificate, has none) and
 * to read the service name from its CN.
 */
public final class PeerCertificates {

    private PeerCertificates() {
    }

    public static Optional<Caller> callerOf(Attributes attributes) {
        SSLSession session = attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Optional.empty();
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return commonName(leaf.getSubjectX500Principal().getName()).map(cn -> new Caller(cn, leaf.getPublicKey()));
    }

    /** The CN of an RFC 2253 distinguished name; our names never contain escaped commas. */
    static Optional<String> commonName(String rfc2253) {
        for (String part : rfc2253.split(",")) {
            String rdn = part.trim();
            if (rdn.contains("\\")) {
                return Optional.empty(); // escaped characters: not a name our CA issues
            }
            if (rdn.regionMatches(true, 0, "CN=", 0, 3) && rdn.length() > 3) {
                return Optional.of(rdn.substring(3));
            }
        }
        return Optional.empty();
    }
}
