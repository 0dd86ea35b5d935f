package io.safeframe.verify;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.AssetLookup;
import io.safeframe.api.v1.AssetRecord;
import io.safeframe.api.v1.ManifestQuery;
import io.safeframe.api.v1.ManifestRequest;
import io.safeframe.api.v1.MutinyProvenanceGrpc.MutinyProvenanceStub;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The registry, read-only: provenance-service's LookupAsset (for /v1/verify) and FindManifests / GetManifest (for the
 * C2PA soft-binding resolution API), which its allow-list opens to this service and to nothing else it can do. No
 * database credentials live here.
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

    /** The manifest ids whose soft binding is this watermark payload, newest first, at most {@code max}. */
    public Uni<List<String>> manifestIds(String payloadHex, int max) {
        return provenance.findManifests(ManifestQuery.newBuilder().setPayload(payloadHex).setMaxResults(max).build())
                .ifNoItem().after(DEADLINE).fail().map(r -> r.getManifestIdList());
    }

    /** The signed manifest store registered under this id, as it was embedded at publication. */
    public Uni<Optional<byte[]>> manifestStore(String manifestId) {
        return provenance.getManifest(ManifestRequest.newBuilder().setManifestId(manifestId).build())
                .ifNoItem().after(DEADLINE).fail()
                .map(r -> r.getFound() ? Optional.of(r.getStore().toByteArray()) : Optional.empty());
    }
}
