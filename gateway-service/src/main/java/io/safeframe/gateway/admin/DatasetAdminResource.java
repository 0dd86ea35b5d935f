package io.safeframe.gateway.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.CreateDatasetRequest;
import io.safeframe.api.v1.DatasetFileRequest;
import io.safeframe.api.v1.DatasetSnapshot;
import io.safeframe.api.v1.LabelsRequest;
import io.safeframe.api.v1.SafetyLabel;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Datasets for model teams (docs/safety-data.md): numbered, immutable snapshots made by report-service from consenting
 * accounts only, pseudonymised and scrubbed; creating one is audited. Admin only. The raw labels (with account ids and
 * unscrubbed prompts) are listed for staff tools such as active learning, never exported as they are.
 */
@Path("/v1/admin/datasets")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetAdminResource {

    private static final Map<String, String> MEDIA_TYPES = Map.of("labels.jsonl", "application/x-ndjson",
            "preferences.jsonl", "application/x-ndjson", "datasheet.md", "text/markdown; charset=utf-8");

    @RegisterForReflection
    public record CreateBody(Integer minSliceCount) {
    }

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public DatasetAdminResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create the next dataset snapshot (labels.jsonl, preferences.jsonl, datasheet.md); body optional: {minSliceCount}")
    public Uni<Response> create(CreateBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        int minSlice = body == null || body.minSliceCount() == null ? 0 : body.minSliceCount();
        if (body != null && body.minSliceCount() != null && (minSlice < 1 || minSlice > 10_000)) {
            throw ApiException.badRequest("minSliceCount must be between 1 and 10000");
        }
        return reports.createDataset(CreateDatasetRequest.newBuilder().setContext(StaffContext.of(identity, correlationId))
                .setMinSliceCount(minSlice).build())
                .map(s -> Response.status(201).entity(view(s)).header("Location", "/v1/admin/datasets/" + s.getVersion()).build());
    }

    @GET
    @Operation(summary = "Every dataset snapshot, newest first, with its files' sizes, record counts and SHA-256")
    public Uni<List<Map<String, Object>>> list(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.datasets(StaffContext.of(identity, correlationId))
                .map(list -> list.getSnapshotsList().stream().map(DatasetAdminResource::view).toList());
    }

    @GET
    @Path("/{version}/{name}")
    @Produces({ "application/x-ndjson", "text/markdown", "application/problem+json" })
    @Operation(summary = "One file of a snapshot: labels.jsonl, preferences.jsonl or datasheet.md")
    public Uni<Response> file(@PathParam("version") String version, @PathParam("name") String name,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        String mediaType = MEDIA_TYPES.get(name);
        int number = parseVersion(version);
        if (mediaType == null) {
            throw ApiException.notFound("no file '" + name + "'; one of " + MEDIA_TYPES.keySet());
        }
        return reports.datasetFile(DatasetFileRequest.newBuilder().setContext(StaffContext.of(identity, correlationId)).setVersion(number)
                .setName(name).build())
                .map(f -> Response.ok(f.getContent(), mediaType).header("ETag", "\"" + f.getSha256() + "\"")
                        .header("Content-Disposition", "attachment; filename=\"safeframe-dataset-" + number + "-" + name + "\"")
                        .header("Cache-Control", "private, no-store").build());
    }

    @GET
    @Path("/labels")
    @Operation(summary = "The raw safety labels (prompt text, category, decision, policy version), newest first; source=dispute|moderator_decision|appeal|labelling")
    public Uni<List<Map<String, Object>>> labels(@QueryParam("source") @DefaultValue("") String source,
            @QueryParam("limit") @DefaultValue("100") int limit, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.labels(LabelsRequest.newBuilder().setContext(StaffContext.of(identity, correlationId)).setSource(source)
                .setLimit(limit).build()).map(list -> list.getLabelsList().stream().map(DatasetAdminResource::label).toList());
    }

    private static int parseVersion(String version) {
        try {
            int n = Integer.parseInt(version);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to 404
        }
        throw ApiException.notFound("no dataset snapshot '" + version + "'");
    }

    private static Map<String, Object> view(DatasetSnapshot s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", s.getVersion());
        out.put("createdAt", s.getCreatedAt());
        out.put("createdBy", s.getCreatedBy());
        out.put("minSliceCount", s.getMinSliceCount());
        out.put("files", s.getFilesList().stream().map(f -> Map.of("name", f.getName(), "bytes", f.getBytes(), "sha256", f.getSha256(),
                "records", f.getRecords(), "href", "/v1/admin/datasets/" + s.getVersion() + "/" + f.getName())).toList());
        return out;
    }

    private static Map<String, Object> label(SafetyLabel l) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("labelId", l.getLabelId());
        out.put("source", l.getSource());
        out.put("caseId", l.getCaseId().isEmpty() ? null : l.getCaseId()); // none for a labelling-queue label
        out.put("decisionId", l.getDecisionId().isEmpty() ? null : l.getDecisionId());
        out.put("appealId", l.getAppealId().isEmpty() ? null : l.getAppealId());
        out.put("targetKind", l.getTargetKind());
        out.put("targetId", l.getTargetId());
        out.put("account", l.getAccountId());
        out.put("promptText", l.getPromptText().isEmpty() ? null : l.getPromptText());
        out.put("category", l.getCategory());
        out.put("decision", l.getDecision());
        out.put("action", l.getAction());
        out.put("rationale", l.getRationale());
        out.put("policyVersion", l.getPolicyVersion().isEmpty() ? null : l.getPolicyVersion());
        out.put("machineDecision", l.getMachineDecision().isEmpty() ? null : l.getMachineDecision());
        out.put("labelledBy", l.getLabelledBy());
        out.put("labelledAt", l.getLabelledAt());
        return out;
    }
}
