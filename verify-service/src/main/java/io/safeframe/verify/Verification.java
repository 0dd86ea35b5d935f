package io.safeframe.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.grpc.Status;
import io.safeframe.api.v1.DetectResponse;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.media.MediaRefused;
import io.safeframe.media.MediaSniffer;
import io.safeframe.media.MediaWorkers;
import io.safeframe.provenance.manifest.C2paReader;
import io.safeframe.provenance.manifest.MediaBytes;
import io.safeframe.provenance.manifest.TrustList;
import io.safeframe.provenance.watermark.MediaMarker;
import io.safeframe.provenance.watermark.WatermarkRing;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What a spooled upload is: its format from the magic bytes (nothing else reaches the decoder), the watermark (every
 * key version, newest first), the C2PA manifest read from the file without loading it, and the registry record the
 * mark leads to. Decoding runs on a bounded pool of media workers; beyond its queue the answer is UNAVAILABLE.
 */
@ApplicationScoped
public class Verification {

    private final WatermarkRing watermarks;
    private final TrustList trust;
    private final RegistryLookup registry;
    private final ExecutorService workers;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public Verification(RegistryLookup registry, io.micrometer.core.instrument.MeterRegistry meters, @ConfigProperty(name = "safeframe.provenance.watermark-key") String watermarkKey,
            @ConfigProperty(name = "safeframe.c2pa.trust-anchors-pem") Optional<String> trustPem,
            @ConfigProperty(name = "safeframe.c2pa.trust-anchor-files") Optional<List<Path>> trustFiles,
            @ConfigProperty(name = "safeframe.media.concurrent-analyses") int running,
            @ConfigProperty(name = "safeframe.media.queued-analyses") int queued) {
        this.registry = registry;
        this.meters = meters;
        this.watermarks = WatermarkRing.parse(watermarkKey);
        this.trust = new TrustList(trustPem, trustFiles);
        this.workers = MediaWorkers.bounded("verify-analysis", running, queued);
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /** The full answer for a complete upload on disk; the caller deletes the file when this Uni ends. */
    public Uni<VerifyResponse> verify(Path upload) {
        return Uni.createFrom().item(() -> analyse(upload)).runSubscriptionOn(workers)
                .onFailure(RejectedExecutionException.class)
                .transform(f -> Status.UNAVAILABLE.withDescription("too many verifications queued; retry shortly").asRuntimeException())
                .chain(this::withAsset)
                .invoke(this::count)
                .onFailure(io.grpc.StatusRuntimeException.class).invoke(f -> refused(((io.grpc.StatusRuntimeException) f).getStatus().getCode()));
    }

    /** Counts an upload refused (here, or at the edge before it was complete: too large, empty, a chunk too big). */
    void refused(Status.Code code) {
        meters.counter("safeframe.verify.refused", "code", code.name()).increment();
    }

    /**
     * One count per answer, by what it found: how much of what the public checks is ours, how much carries a mark
     * but no manifest (re-posted copies), how often a manifest is present but not trusted (forgeries, other signers).
     */
    private void count(VerifyResponse r) {
        String manifest = !r.getManifestPresent() ? "absent" : r.getManifestTrusted() ? "trusted" : r.getManifestValid() ? "untrusted" : "invalid";
        meters.counter("safeframe.verify.answers", "watermark", r.getWatermark().getDetected() ? "detected" : "absent",
                "manifest", manifest, "asset", r.hasAsset() ? "found" : "none").increment();
    }

    private VerifyResponse analyse(Path upload) {
        MediaSniffer.Kind kind;
        try {
            kind = MediaSniffer.sniff(upload);
        } catch (MediaRefused e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        VerifyResponse.Builder out = VerifyResponse.newBuilder();
        try {
            out.setWatermark(detection(watermarks.detect(upload)));
        } catch (MediaMarker.MediaError e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (kind == MediaSniffer.Kind.MATROSKA) {
            // C2PA defines no WebM binding our reader supports: no manifest to read, the watermark still answers
            return out.build();
        }
        try (MediaBytes media = MediaBytes.open(upload)) {
            C2paReader.Result manifest = C2paReader.read(media, kind.mediaType(), trust.current());
            return out.setManifestPresent(manifest.present()).setManifestValid(manifest.valid())
                    .setManifestSignatureValid(manifest.signatureValid()).setManifestTrusted(manifest.trusted())
                    .setManifestSigner(manifest.signer() == null ? "" : manifest.signer()).addAllManifestProblems(manifest.problems()).build();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("reading the spooled upload failed").asRuntimeException();
        }
    }

    private Uni<VerifyResponse> withAsset(VerifyResponse partial) {
        DetectResponse mark = partial.getWatermark();
        if (!mark.getDetected() || mark.getPayload().isEmpty() || mark.getKeyId().isEmpty()) {
            return Uni.createFrom().item(partial);
        }
        return registry.lookup(mark.getPayload(), mark.getKeyId())
                .map(asset -> asset.map(a -> partial.toBuilder().setAsset(a).build()).orElse(partial));
    }

    private static DetectResponse detection(WatermarkRing.Found found) {
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
}
