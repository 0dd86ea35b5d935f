package io.safeframe.gateway.feedback;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DisputeRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.safeframe.gateway.generation.GenerationJob;
import io.safeframe.gateway.generation.GenerationService;
import io.safeframe.gateway.generation.JobState;
import io.safeframe.gateway.generation.VerdictView;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.generation.GenerationResource;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * "This was wrong": the owner of a generation that a check blocked or held disputes it, with an optional reason. The
 * dispute goes to report-service with the prompt and the verdict; a moderator's decision resolves it and labels the
 * item (docs/safety-data.md). Someone else's job is 404 (ids are not an oracle), a job no check stopped is 409.
 */
@Path("/v1/generations/{id}/dispute")
@Tag(name = "generations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DisputeResource {

    public static final int MAX_REASON = 500;
    /** The checks whose verdicts a user may dispute: screening (prompt-guard, likeness) and clip classification. */
    private static final List<String> DISPUTABLE_SOURCES = List.of("prompt-guard", "likeness", "frame-classifier");

    @RegisterForReflection
    public record DisputeBody(String reason) {
    }

    private final GenerationService generations;
    private final ReportClient reports;
    private final SecurityIdentity identity;

    public DisputeResource(GenerationService generations, ReportClient reports, SecurityIdentity identity) {
        this.generations = generations;
        this.reports = reports;
        this.identity = identity;
    }

    @POST
    @RolesAllowed({ "user", "moderator", "admin" })
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dispute a blocked or held generation (owner only); 201 with the review case, 409 when no check stopped it "
            + "or it was already disputed, 404 for someone else's job")
    public Uni<Response> dispute(@PathParam("id") String id, DisputeBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        UUID jobId = GenerationResource.jobId(id);
        String reason = body == null || body.reason() == null || body.reason().isEmpty() ? ""
                : PromptText.requireText(body.reason(), "reason", MAX_REASON);
        String account = identity.getPrincipal().getName();
        RequestContext ctx = RequestContext.newBuilder().setAccountId(account).setActor(account).setCorrelationId(correlationId).build();
        return generations.find(jobId).chain(job -> {
            if (job == null || !job.accountId.equals(account)) {
                throw ApiException.notFound("no generation '" + id + "'");
            }
            if (job.purgedAt != null) {
                // the dispute window is the retention of a blocked job: what a reviewer would look at is gone
                throw new ApiException(409, "dispute-window-closed", "Too late to dispute",
                        "this generation was blocked longer ago than its retention (safeframe.retention.blocked); its prompt and evidence are deleted");
            }
            VerdictView stopping = stoppingVerdict(job);
            boolean video = "frame-classifier".equals(stopping.source()) || "VIDEO".equals(job.reviewStage);
            DisputeRequest request = DisputeRequest.newBuilder().setContext(ctx).setReason(reason)
                    .setPromptText(job.prompt == null ? "" : job.prompt).setMachineVerdict(verdict(stopping))
                    .setTarget(Target.newBuilder().setKind(video ? TargetKind.CONTENT : TargetKind.PROMPT).setId(job.jobId.toString())
                            .setOwnerAccountId(account)).build();
            return reports.dispute(request);
        }).map(ref -> Response.status(201).entity(Map.of("caseId", ref.getCaseId(), "state", ref.getState(), "joinedOpenReview",
                ref.getMerged(), "outcome", "GET /v1/me/notices (kind DISPUTE_OUTCOME)")).build());
    }

    /** The verdict that blocked or held the job; 409 when the job is not stopped by a check. */
    private VerdictView stoppingVerdict(GenerationJob job) {
        if (job.state != JobState.BLOCKED && job.state != JobState.HELD_FOR_REVIEW) {
            throw new ApiException(409, "not-disputable", "Nothing to dispute",
                    "only a generation a safety check blocked or held for review can be disputed; this one is " + job.state);
        }
        List<VerdictView> verdicts = generations.view(job).verdicts();
        for (int i = verdicts.size() - 1; i >= 0; i--) {
            VerdictView v = verdicts.get(i);
            if (("BLOCK".equals(v.decision()) || "REVIEW".equals(v.decision())) && DISPUTABLE_SOURCES.contains(v.source())) {
                return v;
            }
        }
        throw new ApiException(409, "not-disputable", "Nothing to dispute", "no safety check blocked or held this generation");
    }

    private static Verdict verdict(VerdictView v) {
        Verdict.Builder b = Verdict.newBuilder().setDecision(Decision.valueOf(v.decision())).setSource(v.source())
                .setRuleId(nullToEmpty(v.ruleId())).setPolicyVersion(nullToEmpty(v.policyVersion())).setReason(nullToEmpty(v.reason()))
                .setVerdictId(nullToEmpty(v.verdictId())).setPublicReason(nullToEmpty(v.publicReason()));
        if (v.categories() != null) {
            v.categories().forEach((category, score) -> b.addCategories(CategoryScore.newBuilder().setCategory(category).setScore(score)));
        }
        return b.build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}
