package io.safeframe.testing;

import java.util.List;

/**
 * verify-service on 9187 (public verification; no signing key, no database), reading the registry from the
 * provenance-service process on its TLS port. Its JVM heap is capped like every test process (256 MB), so an upload
 * it held whole in memory would show as an OutOfMemoryError.
 */
public class VerifyServiceProcess extends PackagedService {

    public static final int PORT = 9187;
    public static final int TLS_PORT = PORT + 400;

    @Override
    protected String module() {
        return "verify-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "verify";
    }

    @Override
    protected List<String> options() {
        return List.of("-Dquarkus.grpc.clients.provenance.port=" + (ProvenanceServiceProcess.PORT + 400),
                // the provenance process's dev chain: the root verify-service trusts, as locally
                "-Dsafeframe.c2pa.trust-anchor-files=../provenance-service/target/c2pa-keys/c2pa-chain.pem");
    }
}
