package io.safeframe.gateway.verify;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.VerifierClient;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Public verification, no login: anyone (a journalist with a clip found elsewhere) uploads an image or a video and
 * learns whether it carries our watermark, what the registry says about it, and whether a manifest is attached and
 * who signed it. The watermark survives re-encoding and manifest stripping, so this works on copies too.
 * <p>
 * The body is streamed to a spool file (never held whole) and from there to verify-service, a process that holds no
 * signing key: the public path never reaches the service that signs published videos.
 */
@Path(io.safeframe.gateway.internal.BodyLimit.UPLOAD_PATH)
@Tag(name = "verify")
@PermitAll
public class VerifyResource {

    private static final Set<String> TYPES = Set.of("video/mp4", "image/png", "image/jpeg");

    private final UploadSpooler spooler;
    private final VerifierClient verifier;

    public VerifyResource(UploadSpooler spooler, VerifierClient verifier) {
        this.spooler = spooler;
        this.verifier = verifier;
    }

    @POST
    @Blocking
    @Consumes({ "video/mp4", "image/png", "image/jpeg", MediaType.APPLICATION_OCTET_STREAM })
    @Produces(MediaType.APPLICATION_JSON)
    @Bulkhead(value = 4, waitingTaskQueue = 8)
    @Operation(summary = "Check any image or video for Safeframe's watermark, its C2PA manifest and registry record (no login; body up to the upload limit)")
    public Uni<Map<String, Object>> verify(InputStream media, @HeaderParam("Content-Type") String contentType,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        java.nio.file.Path upload = spooler.spool(media);
        return verifier.verify(upload, TYPES.contains(type) ? type : "", correlationId == null ? "" : correlationId)
                .map(VerifyResource::view)
                .onTermination().invoke(() -> UploadSpooler.discard(upload));
    }

    private static Map<String, Object> view(VerifyResponse r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> watermark = new LinkedHashMap<>();
        watermark.put("detected", r.getWatermark().getDetected());
        watermark.put("confidence", r.getWatermark().getConfidence());
        watermark.put("payload", r.getWatermark().getPayload().isEmpty() ? null : r.getWatermark().getPayload());
        watermark.put("framesUsed", r.getWatermark().getFramesUsedCount());
        out.put("watermark", watermark);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("present", r.getManifestPresent());
        // intact (hashes, signature, binding) says nothing about who signed; only "trusted" does
        manifest.put("valid", r.getManifestValid());
        manifest.put("signatureValid", r.getManifestSignatureValid());
        manifest.put("trusted", r.getManifestTrusted());
        manifest.put("signer", r.getManifestSigner().isEmpty() ? null : r.getManifestSigner());
        manifest.put("problems", r.getManifestProblemsList());
        out.put("manifest", manifest);
        if (r.hasAsset()) {
            out.put("asset", Map.of("assetId", r.getAsset().getAssetId(), "model", r.getAsset().getModel(),
                    "modelVersion", r.getAsset().getModelVersion(), "createdAt", r.getAsset().getCreatedAt(), "keyId", r.getAsset().getKeyId(),
                    "watermarkLayout", r.getAsset().getWatermarkLayout()));
        }
        out.put("madeBySafeframe", r.hasAsset());
        return out;
    }
}
