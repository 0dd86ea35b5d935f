package io.safeframe.gateway.verify;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.google.protobuf.ByteString;

import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.VerifyRequest;
import io.safeframe.api.v1.VerifyResponse;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.ProvenanceClient;
import io.safeframe.gateway.problem.ApiException;
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
 * learns whether it carries our watermark, what the registry says about it, and whether a manifest is attached.
 * The watermark survives re-encoding and manifest stripping, so this works on copies too.
 */
@Path(io.safeframe.gateway.internal.BodyLimit.UPLOAD_PATH)
@Tag(name = "verify")
@PermitAll
public class VerifyResource {

    private static final Set<String> TYPES = Set.of("video/mp4", "image/png", "image/jpeg");

    private final ProvenanceClient provenance;

    public VerifyResource(ProvenanceClient provenance) {
        this.provenance = provenance;
    }

    @POST
    @Consumes({ "video/mp4", "image/png", "image/jpeg", MediaType.APPLICATION_OCTET_STREAM })
    @Produces(MediaType.APPLICATION_JSON)
    @Bulkhead(value = 2, waitingTaskQueue = 8)
    @Operation(summary = "Check any image or video for Safeframe's watermark and registry record (no login; body up to the upload limit)")
    public Uni<Map<String, Object>> verify(byte[] media, @HeaderParam("Content-Type") String contentType,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (media == null || media.length == 0) {
            throw ApiException.badRequest("send the image or video as the request body");
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        VerifyRequest request = VerifyRequest.newBuilder().setMedia(ByteString.copyFrom(media))
                .setMediaType(TYPES.contains(type) ? type : "").build();
        RequestContext ctx = RequestContext.newBuilder().setActor("public").setCorrelationId(correlationId == null ? "" : correlationId).build();
        return provenance.verify(ctx, request).map(VerifyResource::view);
    }

    private static Map<String, Object> view(VerifyResponse r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> watermark = new LinkedHashMap<>();
        watermark.put("detected", r.getWatermark().getDetected());
        watermark.put("confidence", r.getWatermark().getConfidence());
        watermark.put("payload", r.getWatermark().getPayload().isEmpty() ? null : r.getWatermark().getPayload());
        watermark.put("framesUsed", r.getWatermark().getFramesUsedCount());
        out.put("watermark", watermark);
        out.put("manifest", Map.of("present", r.getManifestPresent(), "valid", r.getManifestValid(), "problems", r.getManifestProblemsList()));
        if (r.hasAsset()) {
            out.put("asset", Map.of("assetId", r.getAsset().getAssetId(), "model", r.getAsset().getModel(),
                    "modelVersion", r.getAsset().getModelVersion(), "createdAt", r.getAsset().getCreatedAt(), "keyId", r.getAsset().getKeyId()));
        }
        out.put("madeBySafeframe", r.hasAsset());
        return out;
    }
}
