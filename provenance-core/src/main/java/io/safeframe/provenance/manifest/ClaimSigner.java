package io.safeframe.provenance.manifest;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What signs a claim: an ES256 key and its certificate chain, end entity first. Only provenance-service has one
 * (its SigningIdentity, loaded from the Secret); verify-service never constructs one.
 */
public interface ClaimSigner {

    PrivateKey key();

    List<X509Certificate> chain();
}
