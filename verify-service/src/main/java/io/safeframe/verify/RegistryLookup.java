package io.safeframe.verify;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.AssetLookup;
import io.safeframe.api.v1.AssetRecord;
import io.safeframe.api.v1.MutinyProvenanceGrpc.MutinyProvenanceStub;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The registry, read-only: provenance-service's LookupAsset, which its allow-list opens to this service and to
 * nothing else it can do. No database credentials live here.
 */
@ApplicationScoped
public class RegistryLookup {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @GrpcClient("provenance")
    MutinyProvenanceStub provenance;

    public Uni<Optional<AssetRecord>> lookup(String payloadHex, String keyId) {
        return provenance.lookupAsset(AssetLookup.newBuilder().setPayload(payloadHex).setKeyId(keyId).build())
                .ifNoItem().after(DEADLINE).fail()
                .map(r -> r.getFound() ? Optional.of(r.getAsset()) : Optional.empty());
    }
}
