package io.safeframe.likeness.faces;

import java.time.Duration;

import com.google.protobuf.ByteString;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.DescribeFacesRequest;
import io.safeframe.api.v1.DescribeFacesResponse;
import io.safeframe.api.v1.MutinyFrameClassifierGrpc.MutinyFrameClassifierStub;
import io.safeframe.api.v1.RequestContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * frame-classifier's DescribeFaces, the one way descriptors come into existence. This service calls it as itself
 * (no user's actor travels on): the faces are described for the registry, not for the user.
 */
@ApplicationScoped
public class FaceDescriber {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @GrpcClient("frames")
    MutinyFrameClassifierStub frames;

    public Uni<DescribeFacesResponse> describe(String correlationId, byte[] media, String mediaType) {
        return frames.describeFaces(DescribeFacesRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setCorrelationId(correlationId).setActor("likeness-service"))
                .setMedia(ByteString.copyFrom(media)).setMediaType(mediaType).build())
                .ifNoItem().after(DEADLINE).fail();
    }
}
