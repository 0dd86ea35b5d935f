package io.safeframe.provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.AssetLookup;
import io.safeframe.api.v1.AssetLookupResult;
import io.safeframe.api.v1.DetectRequest;
import io.safeframe.api.v1.DetectResponse;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.ManifestMatches;
import io.safeframe.api.v1.ManifestQuery;
import io.safeframe.api.v1.ManifestRequest;
import io.safeframe.api.v1.ManifestStore;
import io.safeframe.api.v1.MarkResponse;
import io.safeframe.api.v1.Provenance;
import io.safeframe.api.v1.VerifyRequest;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.provenance.manifest.C2paEmbedder;
import io.safeframe.provenance.manifest.C2paReader;
import io.safeframe.provenance.manifest.MediaBytes;
import io.safeframe.provenance.manifest.TrustList;
import io.safeframe.provenance.c2pa.C2paSigning;
import io.safeframe.provenance.registry.AssetRegistry;
import io.safeframe.provenance.watermark.MediaMarker;
import io.safeframe.provenance.watermark.WatermarkLayout;
import io.safeframe.provenance.watermark.WatermarkRing;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Mark: watermark every frame with a fresh 64-bit payload, embed a signed C2PA manifest that binds the marked
 * bytes, register the asset. Detect: read the mark. Verify: the manifest (if still attached), the mark, and the
 * registry record the mark leads to (also for copies whose manifest was stripped).
 */
@GrpcService
public class ProvenanceGrpcService implements Provenance {

    private static final Set<String> TYPES = Set.of("video/mp4", "image/png", "image/jpeg");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AssetRegistry registry;
    private final WatermarkRing watermarks;
    private final C2paSigning c2pa;

    private final TrustList trust;

    public ProvenanceGrpcService(AssetRegistry registry, C2paSigning c2pa,
            @ConfigProperty(name = "safeframe.provenance.watermark-key") String watermarkKey,
            @ConfigProperty(name = "safeframe.c2pa.trust-anchors-pem") Optional<String> trustPem,
            @ConfigProperty(name = "safeframe.c2pa.trust-anchor-files") Optional<List<java.nio.file.Path>> trustFiles) {
        this.registry = registry;
        this.c2pa = c2pa;
        this.trust = new TrustList(trustPem, trustFiles);
        // "oldest,…,newest": the newest marks, every version still detects (docs/audit-integrity.md, key rings)
        this.watermarks = WatermarkRing.parse(watermarkKey);
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

    private record Marked(byte[] bytes, AssetRegistry.Marking marking) {
    }

    @Override
    public Uni<MarkResponse> mark(MarkRequest request) {
        if (request.getContext().getAccountId().isBlank() || request.getModel().isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("context.account_id and model are required").asRuntimeException();
        }
        if (request.getRequestId().length() > 200) {
            throw Status.INVALID_ARGUMENT.withDescription("request_id is longer than 200 characters").asRuntimeException();
        }
        checkConsentReferences(request.getConsentReferenceIdsList());
        Uni<String[]> earlier = request.getRequestId().isEmpty() ? Uni.createFrom().nullItem() : registry.byRequest(request.getRequestId());
        return earlier.chain(found -> {
            if (found != null) {
                // the same request again (its answer was lost): the same asset and payload, marked and signed again
                return markWith(request, found[1]).call(marked -> registry.refresh(found[0], marked.marking()))
                        .map(marked -> response(found[0], found[1], marked));
            }
            byte[] payload = new byte[8];
            RANDOM.nextBytes(payload);
            payload[0] = (byte) (0x10 | (payload[0] & 0x0f)); // version 1 in the top nibble
            String payloadHex = HexFormat.of().formatHex(payload);
            return markWith(request, payloadHex).chain(marked -> {
                UUID assetId = UUID.randomUUID();
                return registry.register(new AssetRegistry.NewAsset(assetId, request.getContext().getAccountId(), request.getModel(),
                        request.getModelVersion(), request.getPromptVerdictId(), type(request.getMediaType()), payloadHex, marked.marking(),
                        request.getContext().getCorrelationId(),
                        request.getRequestId().isEmpty() ? null : request.getRequestId()))
                        .map(registered -> {
                            if (!registered) {
                                // a payload collision (2^-60 per pair) or the same request id racing: refusing beats
                                // two assets with one payload; the caller's retry finds the winner
                                throw Status.ABORTED.withDescription("payload or request id already registered; retry").asRuntimeException();
                            }
                            return response(assetId.toString(), payloadHex, marked);
                        });
            });
        });
    }

    /**
     * A consent reference goes into a public, signed manifest: only the registry's opaque UUIDs are accepted, so no
     * caller can put a name, a handle or a descriptor there.
     */
    static void checkConsentReferences(java.util.List<String> ids) {
        if (ids.size() > 16) {
            throw Status.INVALID_ARGUMENT.withDescription("at most 16 consent reference ids").asRuntimeException();
        }
        for (String id : ids) {
            if (!id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
                throw Status.INVALID_ARGUMENT.withDescription("a consent reference id is a lower-case UUID").asRuntimeException();
            }
        }
    }

    /** Watermark, then embed the manifest: it binds the watermarked bytes and names the watermark's payload. */
    private Uni<Marked> markWith(MarkRequest request, String payloadHex) {
        byte[] payload = HexFormat.of().parseHex(payloadHex);
        String suffix = request.getMediaType().equals("image/png") ? ".png" : request.getMediaType().equals("image/jpeg") ? ".jpg" : ".mp4";
        return withFile(request.getMedia(), request.getMediaType(), in -> {
            Path out = Files.createTempFile("safeframe-marked-", suffix);
            try {
                String keyId = watermarks.newest().id();
                watermarks.marker().mark(in, out, payload);
                C2paEmbedder.Signed signed = c2pa.embedder().sign(Files.readAllBytes(out), type(request.getMediaType()), request.getModel(),
                        request.getModelVersion().isEmpty() ? "unknown" : request.getModelVersion(), payloadHex,
                        request.getConsentReferenceIdsList());
                return new Marked(signed.media(), new AssetRegistry.Marking(keyId, WatermarkLayout.VERSION, sha256(signed.media()),
                        HexFormat.of().formatHex(signed.manifestSha256()), signed.manifestLabel(), signed.store()));
            } finally {
                Files.deleteIfExists(out);
            }
        });
    }

    private MarkResponse response(String assetId, String payloadHex, Marked marked) {
        return MarkResponse.newBuilder().setAssetId(assetId).setMarkedMedia(ByteString.copyFrom(marked.bytes()))
                .setWatermarkPayload(payloadHex).setKeyId(marked.marking().keyId()).setManifestSha256(marked.marking().manifestSha256()).build();
    }

    @Override
    public Uni<DetectResponse> detect(DetectRequest request) {
        return withFile(request.getMedia(), request.getMediaType(), in -> response(watermarks.detect(in)));
    }

    @Override
    public Uni<VerifyResponse> verify(VerifyRequest request) {
        return withFile(request.getMedia(), request.getMediaType(), in -> response(watermarks.detect(in)))
                .chain(watermark -> {
                    C2paReader.Result manifest = C2paReader.read(MediaBytes.of(request.getMedia().toByteArray()), type(request.getMediaType()),
                            trust.current());
                    VerifyResponse.Builder out = VerifyResponse.newBuilder().setManifestPresent(manifest.present())
                            .setManifestValid(manifest.valid()).setManifestSignatureValid(manifest.signatureValid())
                            .setManifestTrusted(manifest.trusted()).setManifestSigner(manifest.signer() == null ? "" : manifest.signer())
                            .addAllManifestProblems(manifest.problems()).setWatermark(watermark);
                    if (!watermark.getDetected() || watermark.getPayload().isEmpty()) {
                        return Uni.createFrom().item(out.build());
                    }
                    return registry.byPayload(watermark.getPayload(), watermark.getKeyId()).map(asset -> asset == null ? out.build() : out.setAsset(asset).build());
                });
    }

    /** verify-service's read-only view of the registry: the asset a detected payload leads to, nothing else. */
    @Override
    public Uni<AssetLookupResult> lookupAsset(AssetLookup request) {
        if (!request.getPayload().matches("[0-9a-f]{16}") || request.getKeyId().isBlank() || request.getKeyId().length() > 64) {
            throw Status.INVALID_ARGUMENT.withDescription("payload must be 16 lowercase hex digits and key_id is required").asRuntimeException();
        }
        return registry.byPayload(request.getPayload(), request.getKeyId())
                .map(asset -> asset == null ? AssetLookupResult.getDefaultInstance() : AssetLookupResult.newBuilder().setFound(true).setAsset(asset).build());
    }

    /** Soft-binding resolution, step 1 (verify-service only): manifest ids by the soft binding's value, our payload. */
    @Override
    public Uni<ManifestMatches> findManifests(ManifestQuery request) {
        if (!request.getPayload().matches("[0-9a-f]{16}") || request.getMaxResults() < 1 || request.getMaxResults() > 100) {
            throw Status.INVALID_ARGUMENT.withDescription("payload must be 16 lowercase hex digits and max_results 1..100").asRuntimeException();
        }
        return registry.manifestIds(request.getPayload(), request.getMaxResults())
                .map(ids -> ManifestMatches.newBuilder().addAllManifestId(ids).build());
    }

    /** Soft-binding resolution, step 2 (verify-service only): the manifest store by its id. */
    @Override
    public Uni<ManifestStore> getManifest(ManifestRequest request) {
        if (request.getManifestId().isEmpty() || request.getManifestId().length() > 200) {
            throw Status.INVALID_ARGUMENT.withDescription("manifest_id is required (at most 200 characters)").asRuntimeException();
        }
        return registry.manifestStore(request.getManifestId()).map(store -> store == null ? ManifestStore.getDefaultInstance()
                : ManifestStore.newBuilder().setFound(true).setStore(ByteString.copyFrom(store)).build());
    }

    private static String type(String mediaType) {
        return mediaType.isEmpty() ? "video/mp4" : mediaType;
    }

    private static DetectResponse response(WatermarkRing.Found found) {
        MediaMarker.Read r = found.read();
        DetectResponse.Builder b = DetectResponse.newBuilder().setDetected(r.detection().detected()).setConfidence(r.detection().confidence())
                .addAllFramesUsed(r.framesUsed());
        if (found.keyId() != null) {
            b.setKeyId(found.keyId());
        }
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
