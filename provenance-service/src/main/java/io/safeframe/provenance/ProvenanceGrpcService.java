package io.safeframe.provenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.DetectRequest;
import io.safeframe.api.v1.DetectResponse;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.Provenance;
import io.safeframe.api.v1.VerifyRequest;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.provenance.registry.AssetRegistry;
import io.safeframe.provenance.watermark.MediaMarker;
import io.safeframe.provenance.watermark.WatermarkKey;
import io.safeframe.provenance.watermark.Watermarker;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Mark: watermark every frame with a fresh 64-bit payload and register the asset. Detect: read the mark.
 * Verify: the mark and the registry record it leads to. C2PA manifests (signing, embedding, validating) are
 * the open second half of issue 7: until then Verify reports manifest_present = false.
 */
@GrpcService
public class ProvenanceGrpcService implements Provenance {

    private static final Set<String> TYPES = Set.of("video/mp4", "image/png", "image/jpeg");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AssetRegistry registry;
    private final WatermarkKey key;
    private final MediaMarker media;

    public ProvenanceGrpcService(AssetRegistry registry, @ConfigProperty(name = "safeframe.provenance.watermark-key") String watermarkKey) {
        this.registry = registry;
        this.key = new WatermarkKey(watermarkKey.getBytes(StandardCharsets.UTF_8));
        this.media = new MediaMarker(new Watermarker(key));
    }

    private interface Work<T> {
        T run(Path in) throws MediaMarker.MediaError, IOException;
    }

    /** Decoding and marking are CPU work on a worker thread, on a private temp copy of the bytes. */
    private static <T> Uni<T> withFile(ByteString bytes, String mediaType, Work<T> work) {
        if (bytes.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("no media bytes").asRuntimeException();
        }
        if (!mediaType.isEmpty() && !TYPES.contains(mediaType)) {
            throw Status.INVALID_ARGUMENT.withDescription("media_type must be one of " + TYPES).asRuntimeException();
        }
        return Uni.createFrom().item(() -> {
            Path in = null;
            try {
                in = Files.createTempFile("safeframe-prov-", ".bin");
                bytes.writeTo(Files.newOutputStream(in));
                return work.run(in);
            } catch (MediaMarker.MediaError e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("staging the media failed").asRuntimeException();
            } finally {
                if (in != null) {
                    try {
                        Files.deleteIfExists(in);
                    } catch (IOException e) {
                        // best effort
                    }
                }
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private record Marked(byte[] bytes, String sha256) {
    }

    @Override
    public Uni<MarkResponse> mark(MarkRequest request) {
        if (request.getContext().getAccountId().isBlank() || request.getModel().isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("context.account_id and model are required").asRuntimeException();
        }
        byte[] payload = new byte[8];
        RANDOM.nextBytes(payload);
        payload[0] = (byte) (0x10 | (payload[0] & 0x0f)); // version 1 in the top nibble
        String payloadHex = HexFormat.of().formatHex(payload);
        String suffix = request.getMediaType().equals("image/png") ? ".png" : request.getMediaType().equals("image/jpeg") ? ".jpg" : ".mp4";
        return withFile(request.getMedia(), request.getMediaType(), in -> {
            Path out = Files.createTempFile("safeframe-marked-", suffix);
            try {
                media.mark(in, out, payload);
                byte[] bytes = Files.readAllBytes(out);
                return new Marked(bytes, sha256(bytes));
            } finally {
                Files.deleteIfExists(out);
            }
        }).chain(marked -> {
            UUID assetId = UUID.randomUUID();
            return registry.register(new AssetRegistry.NewAsset(assetId, request.getContext().getAccountId(), request.getModel(),
                    request.getModelVersion(), request.getPromptVerdictId(), request.getMediaType().isEmpty() ? "video/mp4" : request.getMediaType(),
                    payloadHex, key.keyId(), marked.sha256(), request.getContext().getCorrelationId()))
                    .map(registered -> {
                        if (!registered) {
                            // 2^-60 per pair; refusing beats marking two assets with one payload
                            throw Status.ABORTED.withDescription("payload collision; retry").asRuntimeException();
                        }
                        return MarkResponse.newBuilder().setAssetId(assetId.toString()).setMarkedMedia(ByteString.copyFrom(marked.bytes()))
                                .setWatermarkPayload(payloadHex).setKeyId(key.keyId()).build();
                    });
        });
    }

    @Override
    public Uni<DetectResponse> detect(DetectRequest request) {
        return withFile(request.getMedia(), request.getMediaType(), in -> response(media.detect(in, key)));
    }

    @Override
    public Uni<VerifyResponse> verify(VerifyRequest request) {
        return withFile(request.getMedia(), request.getMediaType(), in -> response(media.detect(in, key)))
                .chain(watermark -> {
                    VerifyResponse.Builder out = VerifyResponse.newBuilder().setManifestPresent(false).setManifestValid(false)
                            .addManifestProblems("C2PA manifest reading is not implemented yet").setWatermark(watermark);
                    if (!watermark.getDetected() || watermark.getPayload().isEmpty()) {
                        return Uni.createFrom().item(out.build());
                    }
                    return registry.byPayload(watermark.getPayload()).map(asset -> asset == null ? out.build() : out.setAsset(asset).build());
                });
    }

    private static DetectResponse response(MediaMarker.Read r) {
        DetectResponse.Builder b = DetectResponse.newBuilder().setDetected(r.detection().detected()).setConfidence(r.detection().confidence())
                .addAllFramesUsed(r.framesUsed());
        if (r.detection().payloadHex() != null) {
            b.setPayload(r.detection().payloadHex());
        }
        return b.build();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
