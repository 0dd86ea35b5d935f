package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.MutinyProvenanceGrpc.MutinyProvenanceStub;
import io.safeframe.api.v1.RequestContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** provenance-service: watermark and register every published clip (public verification goes to verify-service). */
@ApplicationScoped
public class ProvenanceClient {

    private static final String SERVICE = "provenance-service";

    @GrpcClient("provenance")
    MutinyProvenanceStub provenance;

    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<MarkResponse> mark(MarkRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(provenance, request.getContext()).mark(request), SERVICE);
    }

    /** The C2PA manifest ids registered for a watermark payload the caller's own job recorded (data export). */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<java.util.List<String>> manifests(RequestContext ctx, String payload, int max) {
        return SafetyCall.answer(SafetyCall.withCorrelation(provenance, ctx)
                .findManifests(io.safeframe.api.v1.ManifestQuery.newBuilder().setPayload(payload).setMaxResults(max).build()), SERVICE)
                .map(io.safeframe.api.v1.ManifestMatches::getManifestIdList);
    }
}
