package io.safeframe.gateway.moderation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.gateway.clips.ClipStore;
import io.safeframe.gateway.generation.GenerationService;
import io.safeframe.gateway.generation.JobSteps;
import io.safeframe.gateway.generation.JobStore;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.me.StandingView;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * What a moderator needs to judge a case beyond the case record: the generation behind a content or prompt case
 * (the prompt, every verdict with its spans and frame timestamps, provenance), its clip, and the affected account's
 * standing and history. Reached through the case, so a moderator sees content only when a case is about it.
 */
@Path("/v1/moderation")
@Tag(name = "moderation")
@RolesAllowed({ "moderator", "admin" })
public class CaseEvidenceResource {

    private final ReportClient reports;
    private final GenerationService generations;
    private final JobStore store;
    private final ClipStore clips;
    private final PolicyClient policy;
    private final SecurityIdentity identity;

    public CaseEvidenceResource(ReportClient reports, GenerationService generations, JobStore store, ClipStore clips, PolicyClient policy,
            SecurityIdentity identity) {
        this.reports = reports;
        this.generations = generations;
        this.store = store;
        this.clips = clips;
        this.policy = policy;
        this.identity = identity;
    }

    @GET
    @Path("/cases/{id}/content")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The generation a content or prompt case is about: prompt, verdicts (fired rules with spans, "
            + "normalisation steps, flagged frames with timestamps and scores), provenance")
    public Uni<Map<String, Object>> content(@PathParam("id") String caseId, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return jobOf(caseId, correlationId).chain(jobId -> generations.find(jobId)).map(job -> {
            if (job == null) {
                throw ApiException.notFound("the generation behind case '" + caseId + "' is no longer stored");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("generation", generations.view(job));
            out.put("prompt", job.prompt);
            out.put("owner", job.accountId);
            out.put("video", "/v1/moderation/cases/" + caseId + "/video");
            return out;
        });
    }

    @GET
    @Path("/cases/{id}/video")
    @Produces({ "video/mp4", "application/problem+json" })
    @Operation(summary = "The clip a content case is about: the published (watermarked) clip, or the generated one while held")
    public Uni<Response> video(@PathParam("id") String caseId, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return jobOf(caseId, correlationId)
                .chain(jobId -> store.video(jobId, JobSteps.MARKED).chain(marked -> marked != null ? Uni.createFrom().item(marked)
                        : store.video(jobId, JobSteps.GENERATED)))
                .chain(video -> {
                    if (video == null) {
                        throw ApiException.notFound("case '" + caseId + "' has no clip (the prompt was stopped before generation)");
                    }
                    // checked whole before it is sent: evidence that differs from what was stored is refused
                    return clips.download(video.clip())
                            .map(bytes -> Response.ok(bytes, "video/mp4").header("Cache-Control", "private, no-store").build());
                });
    }

    @GET
    @Path("/accounts/{account}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An account's standing (state, tier, strikes, suspension) and every decision about it: sanctions, "
            + "blocked prompts, anomaly flags")
    public Uni<Map<String, Object>> account(@PathParam("account") String account, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        RequestContext ctx = ctx(correlationId);
        return Uni.combine().all().unis(policy.standing(ctx, account), policy.decisions(ctx, account)).asTuple().map(t -> {
            Map<String, Object> out = StandingView.of(t.getItem1());
            out.put("decisions", StandingView.decisions(t.getItem2()));
            return out;
        });
    }

    private Uni<UUID> jobOf(String caseId, String correlationId) {
        return reports.get(ctx(correlationId), caseId).map(c -> {
            TargetKind kind = c.getTarget().getKind();
            if (kind != TargetKind.CONTENT && kind != TargetKind.PROMPT) {
                throw ApiException.notFound("case '" + caseId + "' is about an account, not a generation");
            }
            return generationId(c);
        });
    }

    private static UUID generationId(CaseDetail c) {
        try {
            return UUID.fromString(c.getTarget().getId());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("case '" + c.getRef().getCaseId() + "' is about content this platform did not generate");
        }
    }

    private RequestContext ctx(String correlationId) {
        return StaffContext.of(identity, correlationId);
    }
}
