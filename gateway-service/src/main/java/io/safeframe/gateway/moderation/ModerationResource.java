package io.safeframe.gateway.moderation;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.ApiException;
import io.safeframe.gateway.report.ReportBodies.DecisionBody;
import io.safeframe.gateway.report.ReportBodies.ResolutionBody;
import io.safeframe.gateway.report.ReportViews;
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

/**
 * Trust & safety work: queues, claims (leases), decisions with statements of reasons, appeals. The acting
 * moderator is always the token's subject; the rules that depend on data (only the claim holder decides, the
 * decider never reviews the appeal) are report-service's.
 */
@Path("/v1/moderation")
@Tag(name = "moderation")
@RolesAllowed({ "moderator", "admin" })
@Produces(MediaType.APPLICATION_JSON)
public class ModerationResource {

    private static final Set<String> GROUND_TYPES = Set.of("ILLEGAL_CONTENT", "INCOMPATIBLE_WITH_TERMS");

    private final ReportClient reports;
    private final SecurityIdentity identity;
    private final ExposureBudget exposure;
    private final BulkDecisions bulk;

    public ModerationResource(ReportClient reports, SecurityIdentity identity, ExposureBudget exposure, BulkDecisions bulk) {
        this.bulk = bulk;
        this.reports = reports;
        this.identity = identity;
        this.exposure = exposure;
    }

    @GET
    @Path("/queues")
    @Operation(summary = "Queues per category: open, claimed, SLA breached, oldest case")
    public Uni<List<Map<String, Object>>> queues(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.queues(ctx(correlationId)).map(q -> q.getQueuesList().stream().map(ReportViews::queue).toList());
    }

    @GET
    @Path("/queues/{queue}/cases")
    @Operation(summary = "A queue's undecided cases ('all' for every queue) in the order claims hand them out: effective priority "
            + "(with the waiting bonus), SLA due time, reports, who holds a claim; read-only. likenessTakedown=true lists only cases "
            + "holding a cameo owner's takedown request")
    public Uni<List<Map<String, Object>>> cases(@PathParam("queue") String queue, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("likenessTakedown") @DefaultValue("false") boolean likenessTakedownsOnly,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.cases(ctx(correlationId), "all".equals(queue) ? "" : queue, limit, likenessTakedownsOnly)
                .map(l -> l.getCasesList().stream().map(ReportViews::caseListing).toList());
    }

    @POST
    @Path("/queues/{queue}/claim")
    @Operation(summary = "Claim the highest-priority case of a queue ('all' for any) with a lease; 404 when the queue is empty. "
            + "likenessTakedown=true claims only a case holding a cameo owner's takedown request")
    public Uni<Map<String, Object>> claim(@PathParam("queue") String queue, @QueryParam("leaseSeconds") @DefaultValue("0") int leaseSeconds,
            @QueryParam("likenessTakedown") @DefaultValue("false") boolean likenessTakedownsOnly,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.claim(ctx(correlationId), "all".equals(queue) ? "" : queue, leaseSeconds, likenessTakedownsOnly)
                .map(ReportViews::caseDetail);
    }

    @GET
    @Path("/cases/{id}")
    @Operation(summary = "A case with its reports, machine verdict, the account's history and the decision")
    public Uni<Map<String, Object>> get(@PathParam("id") String id, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.get(ctx(correlationId), id).map(ReportViews::caseDetail);
    }

    @POST
    @Path("/cases/{id}/reveal")
    @Operation(summary = "Moderator care: record a reveal of the case's clip at full impact; in the severest queues it counts "
            + "against the moderator's exposure budget for the shift (429 exposure-budget when spent)")
    public Uni<Map<String, Object>> reveal(@PathParam("id") String id, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.get(ctx(correlationId), id).chain(c -> exposure.reveal(identity.getPrincipal().getName(), c.getRef().getCaseId(),
                c.getQueue()));
    }

    @POST
    @Path("/cases/{id}/release")
    @Operation(summary = "Give a claimed case back to its queue")
    public Uni<Map<String, Object>> release(@PathParam("id") String id, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.release(ctx(correlationId), id).map(ReportViews::caseRef);
    }

    @POST
    @Path("/cases/{id}/decision")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Decide a case you hold; the statement of reasons goes to the user, sanctions to policy-service. "
            + "409 when you do not hold the claim, it expired, or the case changed (caseVersion)")
    public Uni<Map<String, Object>> decide(@PathParam("id") String id, DecisionBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        DecideRequest request = decision(body).setContext(ctx(correlationId)).setCaseId(id)
                .setCaseVersion(body.caseVersion() == null ? 0 : body.caseVersion()).build();
        return reports.decide(request).map(ReportViews::decision);
    }

    @POST
    @Path("/cases/bulk-decision")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "One action on a set of cases (a spam wave, a campaign): {caseIds (1-100), decision: {action, facts, ground, "
            + "groundType, suspensionSeconds}}. Each case is claimed and decided on its own, with its own statement of reasons; "
            + "the answer gives each case's outcome (decided, or refused with the reason: decided already, held by someone else, a stake)")
    public Uni<Map<String, Object>> bulkDecide(BulkDecisions.Body body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        List<String> ids = BulkDecisions.caseIds(body);
        if (body.decision().caseVersion() != null) {
            throw ApiException.badRequest("decision.caseVersion is not used in a bulk decision: each case is claimed first");
        }
        return bulk.decide(ctx(correlationId), ids, decision(body.decision()));
    }

    /** A decision's action and statement of reasons from a request body; 400 for anything missing or unknown. */
    private static DecideRequest.Builder decision(DecisionBody body) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body is required");
        }
        Action action = action(body.action());
        if (body.groundType() != null && !GROUND_TYPES.contains(body.groundType())) {
            throw ApiException.badRequest("groundType must be one of " + GROUND_TYPES);
        }
        StatementOfReasons statement = StatementOfReasons.newBuilder()
                .setFacts(PromptText.requireText(body.facts(), "facts", 5000))
                .setGround(PromptText.requireText(body.ground(), "ground", 1000))
                .setGroundType(body.groundType() == null ? "" : body.groundType()).build();
        return DecideRequest.newBuilder().setAction(action).setStatement(statement)
                .setSuspensionSeconds(body.suspensionSeconds() == null ? 0 : body.suspensionSeconds());
    }

    @GET
    @Path("/appeals")
    @Operation(summary = "Pending appeals, oldest first")
    public Uni<List<Map<String, Object>>> appeals(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.appeals(ctx(correlationId)).map(a -> a.getAppealsList().stream().map(ReportViews::appeal).toList());
    }

    @POST
    @Path("/appeals/{id}/resolution")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Uphold or reverse; 403 for the moderator who took the decision. A reversal lifts sanctions and restores content")
    public Uni<Map<String, Object>> resolve(@PathParam("id") String id, ResolutionBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null || !("REVERSE".equals(body.outcome()) || "UPHOLD".equals(body.outcome()))) {
            throw ApiException.badRequest("outcome must be REVERSE or UPHOLD");
        }
        return reports.resolve(ResolveAppealRequest.newBuilder().setContext(ctx(correlationId)).setAppealId(id)
                .setReverse("REVERSE".equals(body.outcome())).setReason(PromptText.requireText(body.reason(), "reason", 5000)).build())
                .map(ReportViews::appeal);
    }

    private RequestContext ctx(String correlationId) {
        return StaffContext.of(identity, correlationId);
    }

    /** A moderator's action from a request body: 400 for a missing or unknown one (decisions and QA reviews alike). */
    public static Action action(String name) {
        Action action;
        try {
            action = Action.valueOf(name == null ? "" : name);
        } catch (IllegalArgumentException e) {
            action = Action.UNRECOGNIZED;
        }
        if (action == Action.UNRECOGNIZED || action == Action.ACTION_UNSPECIFIED) {
            throw ApiException.badRequest("action must be one of NO_ACTION, REMOVE_CONTENT, AGE_RESTRICT, STRIKE, SUSPEND_ACCOUNT, BAN_ACCOUNT");
        }
        return action;
    }
}
