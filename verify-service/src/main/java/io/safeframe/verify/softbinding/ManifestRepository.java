package io.safeframe.verify.softbinding;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.ManifestQuery;
import io.safeframe.api.v1.ManifestRequest;
import io.safeframe.api.v1.MutinyProvenanceGrpc.MutinyProvenanceStub;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The manifest repository behind the resolution API: provenance-service's registry, read through its
 * FindManifests / GetManifest RPCs (open to this service only). No database credentials live here.
 */
@ApplicationScoped
public class ManifestRepository {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @GrpcClient("provenance")
    MutinyProvenanceStub provenance;

    Uni<List<String>> idsFor(String payloadHex, int max) {
        return provenance.findManifests(ManifestQuery.newBuilder().setPayload(payloadHex).setMaxResults(max).build())
                .ifNoItem().after(DEADLINE).fail().map(r -> r.getManifestIdList());
    }

    Uni<Optional<byte[]>> store(String manifestId) {
        return provenance.getManifest(ManifestRequest.newBuilder().setManifestId(manifestId).build())
                .ifNoItem().after(DEADLINE).fail()
                .map(r -> r.getFound() ? Optional.of(r.getStore().toByteArray()) : Optional.empty());
    }
}
