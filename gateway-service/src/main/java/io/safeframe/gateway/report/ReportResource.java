package io.safeframe.gateway.report;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.gateway.generation.GenerationService;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.ApiException;
import io.safeframe.gateway.report.ReportBodies.AppealBody;
import io.safeframe.gateway.report.ReportBodies.ReportBody;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Notices (DSA Art. 16) and complaints about decisions (Art. 20), by any logged-in account. */
@Path("/v1")
@Tag(name = "reports")
@Authenticated
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReportResource {

    static final int MAX_TEXT = 5000;

    private final ReportClient reports;
    private final GenerationService generations;
    private final SecurityIdentity identity;

    public ReportResource(ReportClient reports, GenerationService generations, SecurityIdentity identity) {
        this.reports = reports;
        this.generations = generations;
        this.identity = identity;
    }

    @POST
    @Path("/reports")
    @Operation(summary = "Report a video or an account; 201 with the case it opened or joined. 409 if you already reported it, "
            + "422 for an unknown category or a report of your own content, 429 over the hourly limit")
    public Uni<Response> report(ReportBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body is required");
        }
        String explanation = PromptText.requireText(body.explanation(), "explanation", MAX_TEXT);
        String targetId = PromptText.requireText(body.targetId(), "targetId", 200);
        if (body.category() == null || body.category().isBlank()) {
            throw ApiException.badRequest("category is required");
        }
        if (!Boolean.TRUE.equals(body.goodFaith())) {
            throw new ApiException(422, "invalid-request", "The request cannot be processed",
                    "goodFaith must be true: confirm the report is accurate and made in good faith (DSA Art. 16(2)(d))");
        }
        RequestContext ctx = ctx(correlationId);
        FileReportRequest.Builder request = FileReportRequest.newBuilder().setContext(ctx).setCategory(body.category())
                .setExplanation(explanation).setAnonymous(Boolean.TRUE.equals(body.anonymous())).setGoodFaithStatement(true)
                .setTrustedFlagger(identity.hasRole("trusted_flagger"));
        Uni<Target> target = switch (body.targetType() == null ? "" : body.targetType()) {
            case "account" -> Uni.createFrom().item(Target.newBuilder().setKind(TargetKind.ACCOUNT).setId(targetId).build());
            case "content" -> contentTarget(targetId);
            default -> throw ApiException.badRequest("targetType must be \"content\" or \"account\"");
        };
        return target.chain(t -> reports.file(request.setTarget(t).build()))
                .map(ref -> Response.status(201).entity(ReportViews.caseRef(ref)).build());
    }

    /** Content is a generation; its owner is known here, so the service can refuse self-reports and notify the owner. */
    private Uni<Target> contentTarget(String id) {
        UUID jobId;
        try {
            jobId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no video " + id);
        }
        return generations.find(jobId).map(job -> {
            if (job == null) {
                throw ApiException.notFound("no video " + id);
            }
            return Target.newBuilder().setKind(TargetKind.CONTENT).setId(id).setOwnerAccountId(job.accountId).build();
        });
    }

    @POST
    @Path("/appeals")
    @Operation(summary = "Appeal a decision about you (or about your report) within 6 months, once; 201 with the pending appeal")
    public Uni<Response> appeal(AppealBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body is required");
        }
        String decisionId = PromptText.requireText(body.decisionId(), "decisionId", 64);
        String explanation = PromptText.requireText(body.explanation(), "explanation", MAX_TEXT);
        return reports.appeal(AppealRequest.newBuilder().setContext(ctx(correlationId)).setDecisionId(decisionId)
                .setExplanation(explanation).build())
                .map(a -> Response.status(201).entity(ReportViews.appeal(a)).build());
    }

    private RequestContext ctx(String correlationId) {
        String me = identity.getPrincipal().getName();
        return RequestContext.newBuilder().setAccountId(me).setActor(me).setCorrelationId(correlationId).build();
    }
}
