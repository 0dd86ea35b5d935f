package io.safeframe.identity.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.grpc.Attributes;

/** The caller's name is the CN; no TLS session (plain HTTP) or an odd name means no caller. */
class PeerCertificatesTest {

    @Test
    void theServiceNameIsTheCommonName() {
        assertEquals(Optional.of("policy-service"), PeerCertificates.commonName("O=Safeframe,CN=policy-service"));
        assertEquals(Optional.of("report-service"), PeerCertificates.commonName("CN=report-service,O=Safeframe"));
    }

    @Test
    void escapedOrMissingNamesAreNoCaller() {
        assertEquals(Optional.empty(), PeerCertificates.commonName("CN=gateway-service\\,O=evil"));
        assertEquals(Optional.empty(), PeerCertificates.commonName("O=Safeframe"));
    }

    @Test
    void aCallWithoutTlsHasNoCaller() {
        assertEquals(Optional.empty(), PeerCertificates.callerOf(Attributes.EMPTY));
    }
}
