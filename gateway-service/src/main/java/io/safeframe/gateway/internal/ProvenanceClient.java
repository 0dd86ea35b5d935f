package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.MutinyProvenanceGrpc.MutinyProvenanceStub;
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
}
