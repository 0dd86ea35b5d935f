package io.safeframe.gateway.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import com.google.protobuf.ByteString;

import io.safeframe.api.v1.Bank;
import io.safeframe.api.v1.ClassifyFramesRequest;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.Frame;
import io.safeframe.api.v1.FrameFinding;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.MatchHashRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.FramesClient;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Hash banks (known-bad PDQ hashes): create, import/export in the pdq-photo-hasher text format, remove,
 * look up. Admins manage banks; moderators may look up matches.
 */
@Path("/v1/admin/banks")
@Tag(name = "admin")
@RolesAllowed("admin")
public class BankAdminResource {

    private final FramesClient frames;
    private final SecurityIdentity identity;

    public BankAdminResource(FramesClient frames, SecurityIdentity identity) {
        this.frames = frames;
        this.identity = identity;
    }

    @RegisterForReflection
    public record BankBody(String name, String category, String decision, Integer threshold, String description) {
    }

    @RegisterForReflection
    public record MatchBody(String hash) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Banks with their category, decision, threshold and size")
    public Uni<Map<String, Object>> list(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return frames.banks(ctx(correlationId)).map(l -> Map.of("banks", l.getBanksList().stream().map(BankAdminResource::view).toList(),
                "indexedHashes", l.getIndexedHashes()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a bank: name (a-z0-9-), category, decision BLOCK|REVIEW, threshold (default 31)")
    public Uni<Response> create(BankBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null || body.name() == null || body.decision() == null) {
            throw ApiException.badRequest("name, category and decision are required");
        }
        Decision decision = switch (body.decision()) {
            case "BLOCK" -> Decision.BLOCK;
            case "REVIEW" -> Decision.REVIEW;
            default -> throw ApiException.badRequest("decision must be BLOCK or REVIEW");
        };
        Bank bank = Bank.newBuilder().setName(body.name()).setCategory(body.category() == null ? "" : body.category()).setDecision(decision)
                .setThreshold(body.threshold() == null ? 0 : body.threshold()).setDescription(body.description() == null ? "" : body.description())
                .build();
        return frames.create(ctx(correlationId), bank).map(b -> Response.status(201).entity(view(b)).build());
    }

    @POST
    @Path("/{name}/hashes")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import HASH[,QUALITY[,LABEL]] lines (all or nothing); quality < 50 is skipped")
    public Uni<Map<String, Object>> importHashes(@PathParam("name") String name, String lines,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return frames.importLines(ctx(correlationId), name, lines == null ? "" : lines).map(BankAdminResource::imported);
    }

    @GET
    @Path("/{name}/hashes")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Export the bank as HASH,QUALITY,LABEL lines")
    public Uni<String> export(@PathParam("name") String name, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return frames.export(ctx(correlationId), name).map(lines -> lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    @DELETE
    @Path("/{name}/hashes/{hash}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Remove one hash from a bank")
    public Uni<Map<String, Object>> remove(@PathParam("name") String name, @PathParam("hash") String hash,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return frames.remove(ctx(correlationId), name, hash).map(BankAdminResource::view);
    }

    @POST
    @Path("/{name}/media")
    @Consumes({ "video/mp4", "image/png", "image/jpeg" })
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a clip (MP4) or a frame (PNG/JPEG) to a bank: the classifier hashes its sampled frames, "
            + "those of PDQ quality >= 50 are imported, labelled with the label parameter and the frame's time")
    public Uni<Map<String, Object>> addMedia(@PathParam("name") String name, @HeaderParam("Content-Type") String type,
            @QueryParam("label") String label, byte[] media, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (media == null || media.length == 0) {
            throw ApiException.badRequest("the body must be the image or MP4 to add");
        }
        String tag = (label == null || label.isBlank() ? "upload" : label.strip()).replaceAll("[^\\p{L}\\p{N}._:-]+", "-");
        if (tag.length() > 100) {
            throw ApiException.badRequest("label: at most 100 characters");
        }
        RequestContext ctx = ctx(correlationId);
        Uni<List<FrameFinding>> frames = type != null && type.startsWith("video/")
                ? this.frames.hashVideo(ClassifyVideoRequest.newBuilder().setContext(ctx).setVideo(ByteString.copyFrom(media)).build())
                        .map(ClassifyVideoResponse::getFramesList)
                : this.frames.classifyFrames(ClassifyFramesRequest.newBuilder().setContext(ctx)
                        .addFrames(Frame.newBuilder().setImage(ByteString.copyFrom(media))).build()).map(r -> r.getFramesList());
        return frames.chain(found -> {
            String lines = found.stream().map(f -> f.getPdqHash() + "," + f.getPdqQuality() + "," + tag + "@" + f.getTimestampMs() + "ms")
                    .collect(java.util.stream.Collectors.joining("\n"));
            return this.frames.importLines(ctx, name, lines).map(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("framesHashed", found.size());
                m.putAll(imported(r));
                return m;
            });
        });
    }

    @POST
    @Path("/match")
    @RolesAllowed({ "admin", "moderator" })
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Which bank entries a PDQ hash matches")
    public Uni<Map<String, Object>> match(MatchBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null || body.hash() == null) {
            throw ApiException.badRequest("hash is required");
        }
        return frames.match(ctx(correlationId), MatchHashRequest.newBuilder().setHash(body.hash()).build()).map(m -> {
            List<Map<String, Object>> matches = m.getMatchesList().stream().map(x -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("bank", x.getBank());
                o.put("category", x.getCategory());
                o.put("decision", x.getDecision().name());
                o.put("distance", x.getDistance());
                o.put("label", x.getLabel());
                o.put("hash", x.getHash());
                return o;
            }).toList();
            return Map.of("query", m.getQueryHash(), "matches", matches);
        });
    }

    private static Map<String, Object> imported(io.safeframe.api.v1.ImportResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("added", r.getAdded());
        m.put("duplicates", r.getDuplicates());
        m.put("lowQualitySkipped", r.getLowQualitySkipped());
        m.put("bank", view(r.getBank()));
        return m;
    }

    static Map<String, Object> view(Bank b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.getName());
        m.put("category", b.getCategory());
        m.put("decision", b.getDecision().name());
        m.put("threshold", b.getThreshold());
        m.put("description", b.getDescription());
        m.put("size", b.getSize());
        return m;
    }

    private RequestContext ctx(String correlationId) {
        return StaffContext.of(identity, correlationId);
    }
}
