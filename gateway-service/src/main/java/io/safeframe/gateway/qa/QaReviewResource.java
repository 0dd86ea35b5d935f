package io.safeframe.gateway.qa;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.QaClaimRequest;
import io.safeframe.api.v1.QaReview;
import io.safeframe.api.v1.QaReviewRequest;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.safeframe.gateway.report.ReportViews;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Blind second review (docs/moderator-care.md): a moderator takes a sampled, already decided case from the QA queue
 * and says what they would have done, without seeing the first decision. Nothing is enforced; the answer only feeds
 * the agreement figures. Who may review which case (never its first decider) is report-service's rule.
 */
@Path("/v1/moderation/qa")
@Tag(name = "moderation")
@RolesAllowed({ "moderator", "admin" })
@Produces(MediaType.APPLICATION_JSON)
public class QaReviewResource {

    /** action: NO_ACTION, REMOVE_CONTENT, AGE_RESTRICT, STRIKE, SUSPEND_ACCOUNT or BAN_ACCOUNT. */
    @RegisterForReflection
    public record ReviewBody(String action) {
    }

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public QaReviewResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @POST
    @Path("/claim")
    @Operation(summary = "Claim the oldest waiting second review ('queue' to limit it to one queue) with a lease: the case "
            + "without its first decision or decider; 404 when none waits for you (your own decisions are never offered)")
    public Uni<Map<String, Object>> claim(@QueryParam("queue") @DefaultValue("") String queue,
            @QueryParam("leaseSeconds") @DefaultValue("0") int leaseSeconds, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.claimQaReview(QaClaimRequest.newBuilder().setContext(StaffContext.of(identity, correlationId))
                .setQueue("all".equals(queue) ? "" : queue).setLeaseSeconds(leaseSeconds).build())
                .map(ReportViews::caseDetail);
    }

    @POST
    @Path("/cases/{id}/review")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record your second review {action} of a case you claimed from the QA queue; enforces nothing. "
            + "403 for the case's first decider, 404 for a case not sampled, 409 without a live claim or when already reviewed")
    public Uni<Map<String, Object>> review(@PathParam("id") String id, ReviewBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body {action} is required");
        }
        Action action = io.safeframe.gateway.moderation.ModerationResource.action(body.action());
        return reports.recordQaReview(QaReviewRequest.newBuilder().setContext(StaffContext.of(identity, correlationId))
                .setCaseId(id).setAction(action).build()).map(QaReviewResource::view);
    }

    static Map<String, Object> view(QaReview r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("caseId", r.getCaseId());
        m.put("queue", r.getQueue());
        m.put("action", r.getAction().name());
        m.put("reviewedBy", r.getReviewedBy());
        m.put("reviewedAt", r.getReviewedAt());
        return m;
    }
}
