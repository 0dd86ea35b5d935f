package io.safeframe.gateway.generation;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.clips.ClipStore;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/v1/generations")
@Tag(name = "generations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class GenerationResource {

    private static final Set<String> ASPECTS = Set.of("16:9", "9:16", "1:1");

    private final GenerationService generations;
    private final JobStore store;
    private final ClipStore clips;
    private final ReportClient reports;
    private final SecurityIdentity identity;
    private final int promptMaxChars;
    private final io.safeframe.gateway.age.AgeBands ageBands;

    public GenerationResource(GenerationService generations, JobStore store, ClipStore clips, ReportClient reports, SecurityIdentity identity,
            io.safeframe.gateway.age.AgeBands ageBands,
            @ConfigProperty(name = "safeframe.limits.prompt-max-chars") int promptMaxChars) {
        this.ageBands = ageBands;
        this.generations = generations;
        this.store = store;
        this.clips = clips;
        this.reports = reports;
        this.identity = identity;
        this.promptMaxChars = promptMaxChars;
    }

    @POST
    @RolesAllowed({ "user", "moderator", "admin" })
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a prompt; 202 with the job, 422 when the prompt is blocked (with reasons)")
    public Uni<Response> submit(GenerationRequest body, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body with a prompt is required");
        }
        String prompt = PromptText.require(body.prompt(), promptMaxChars);
        int duration = body.durationSeconds() == null ? 5 : body.durationSeconds();
        if (duration < 1 || duration > 60) {
            throw ApiException.badRequest("durationSeconds must be between 1 and 60");
        }
        String aspect = body.aspect() == null ? "16:9" : body.aspect();
        if (!ASPECTS.contains(aspect)) {
            throw ApiException.badRequest("aspect must be one of " + ASPECTS);
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 128)) {
            throw ApiException.badRequest("Idempotency-Key must be 1 to 128 characters");
        }
        // the age band selects the rules prompt-guard and likeness-service apply (the teen profile)
        RequestContext ctx = RequestContext.newBuilder().setAccountId(identity.getPrincipal().getName())
                .setActor(identity.getPrincipal().getName()).setCorrelationId(correlationId)
                .setAgeBand(ageBands.of(identity)).build();
        return generations.submit(ctx, prompt, duration, aspect, idempotencyKey).map(submitted -> {
            JobView view = generations.ownerView(submitted.job());
            if (submitted.job().state == JobState.BLOCKED) {
                return io.safeframe.gateway.problem.Problem.response(422, "prompt-blocked", "The prompt was blocked",
                        view.verdicts().get(view.verdicts().size() - 1).reason(), ctx.getCorrelationId(),
                        Map.of("job", view, "appeal", view.appeal()));
            }
            return Response.status(submitted.replay() ? 200 : 202).entity(view)
                    .header("Location", "/v1/generations/" + view.id()).build();
        });
    }

    @GET
    @Path("/{id}/video")
    @Produces({ "video/mp4", "application/problem+json" })
    @Operation(summary = "The published, watermarked MP4 (owner only); 409 until published, 451 once a moderator removed it")
    public Uni<Response> video(@PathParam("id") String id, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        UUID jobId = jobId(id);
        RequestContext ctx = RequestContext.newBuilder().setAccountId(identity.getPrincipal().getName())
                .setActor(identity.getPrincipal().getName()).setCorrelationId(correlationId).build();
        return generations.find(jobId).chain(job -> {
            if (job == null || !job.accountId.equals(identity.getPrincipal().getName())) {
                throw ApiException.notFound("no generation '" + id + "'");
            }
            if (job.state != JobState.PUBLISHED) {
                throw new ApiException(409, "not-published", "Not published", "the generation is " + job.state);
            }
            // a removal decided after publication hides the clip, also from its owner (fail closed when unknown)
            return reports.contentStatus(ctx, id).chain(status -> {
                if (status.getStatus().equals("REMOVED")) {
                    throw new ApiException(451, "removed", "Removed by moderation",
                            "a moderator removed this video; see GET /v1/me/notices", Map.of("decisionId", status.getDecisionId()));
                }
                return store.video(jobId, JobSteps.MARKED);
            }).chain(video -> {
                if (video == null) {
                    // published before clips moved to object storage (V9 dropped those clips): the record stays
                    throw new ApiException(410, "clip-gone", "Clip no longer stored", "this generation's clip is no longer stored");
                }
                // read whole and checked before the first byte goes out: a clip that differs is refused, not streamed
                return clips.download(video.clip()).map(bytes -> Response.ok(bytes, "video/mp4")
                        .header("ETag", "\"" + video.sha256() + "\"").header("Cache-Control", "private, no-store").build());
            });
        });
    }

    /** A generation id from a path; one that is not a UUID names no generation: 404 like any unknown id. */
    public static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no generation '" + id + "'");
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A job's state and every verdict; 202 while it runs, 200 once finished")
    public Uni<Response> get(@PathParam("id") String id) {
        UUID jobId = jobId(id);
        return generations.find(jobId).map(job -> {
            // another user's job is reported as missing, not forbidden: ids are not an oracle
            if (job == null || !job.accountId.equals(identity.getPrincipal().getName())) {
                throw ApiException.notFound("no generation '" + id + "'");
            }
            return Response.status(job.state.finished() ? 200 : 202).entity(generations.ownerView(job)).build();
        });
    }
}
