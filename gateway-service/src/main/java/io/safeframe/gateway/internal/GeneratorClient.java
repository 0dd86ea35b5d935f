package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.GenerateResponse;
import io.safeframe.api.v1.MutinyVideoGeneratorGrpc.MutinyVideoGeneratorStub;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The video model behind safeframe.v1.VideoGenerator (the synthetic generator locally, a real model by address).
 * No retry here: the job runner retries the step with back-off, so a slow model is not hammered.
 */
@ApplicationScoped
public class GeneratorClient {

    @GrpcClient("generator")
    MutinyVideoGeneratorStub generator;

    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return SafetyCall.failClosed(SafetyCall.withCorrelation(generator, request.getContext()).generate(request), "video-generator");
    }
}
