package io.safeframe.gateway.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.ListPolicyVersionsRequest;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenBatchRequest;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.gateway.generation.JobStore;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.GuardClient;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.PolicyDocuments;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Retroactive enforcement of a changed prompt rule (issue 24 item 5): the live prompt policy re-checks the published
 * videos of the last hours whose prompt it did not screen; a video it would now hold or block opens a case for a
 * moderator — never a silent removal — and at most {@code safeframe.retroactive.max-cases} new cases per run, so a
 * broad rule cannot flood the queues (the rest are counted as deferred; a later run picks them up, and a video whose
 * case is already open only joins it). The run's figures are kept with the version and audited.
 */
@Path("/v1/admin/policies/{kind}/retroactive")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class RetroactiveResource {

    private static final int BATCH = 256; // prompt-guard's ScreenBatch maximum

    private final PolicyClient policy;
    private final PolicyDocuments documents;
    private final GuardClient guard;
    private final ReportClient reports;
    private final JobStore jobs;
    private final SecurityIdentity identity;
    private final int maxCases;

    public RetroactiveResource(PolicyClient policy, PolicyDocuments documents, GuardClient guard, ReportClient reports, JobStore jobs,
            SecurityIdentity identity, @ConfigProperty(name = "safeframe.retroactive.max-cases", defaultValue = "50") int maxCases) {
        this.policy = policy;
        this.documents = documents;
        this.guard = guard;
        this.reports = reports;
        this.jobs = jobs;
        this.identity = identity;
        this.maxCases = maxCases;
    }

    @POST
    @RolesAllowed("admin")
    @Operation(summary = "Re-check recently published videos with the live prompt policy (the last `hours` of the retained window "
            + "of screenings, default all of it); those it would now hold or block open cases, at most max-cases new ones per run")
    public Uni<Map<String, Object>> run(@PathParam("kind") String kind, @QueryParam("hours") @DefaultValue("0") int hours,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        if (!"prompt".equals(kind)) {
            throw new ApiException(409, "conflict", "Not available for this kind", kind.equals("classifier")
                    ? "published clips are re-checked by frame-classifier when a hash bank gains an entry; a changed threshold is not re-run"
                    : "a " + kind + " version has nothing published to re-check");
        }
        if (hours < 0 || hours > 24 * 90) {
            throw ApiException.badRequest("hours must be 0 (the whole window) to " + 24 * 90);
        }
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.policyVersions(ListPolicyVersionsRequest.newBuilder().setContext(ctx).setKind(kind).build()).chain(list -> {
            PolicyVersion live = PolicyAdminResource.live(list)
                    .orElseThrow(() -> new ApiException(409, "conflict", "No live version", "nothing to run"));
            return policy.screeningWindow(ctx, hours).chain(window -> {
                var allowed = RetroactiveRun.allowedUnderOtherVersions(window.getScreeningsList(), live.getLabel());
                return jobs.publishedOwners(RetroactiveRun.jobIds(allowed))
                        .chain(owners -> recheck(ctx, live, hours, window.getScreeningsCount(), RetroactiveRun.published(allowed, owners)));
            });
        });
    }

    private Uni<Map<String, Object>> recheck(RequestContext ctx, PolicyVersion live, int hours, int windowSize,
            List<RetroactiveRun.Candidate> candidates) {
        // screened without an account: the live policy for everyone, never a canary arm
        RequestContext screening = RequestContext.newBuilder().setCorrelationId(ctx.getCorrelationId()).setActor(ctx.getActor()).build();
        List<List<RetroactiveRun.Candidate>> batches = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i += BATCH) {
            batches.add(candidates.subList(i, Math.min(candidates.size(), i + BATCH)));
        }
        return Multi.createFrom().iterable(batches).onItem().transformToUniAndConcatenate(batch -> guard.screenBatch(ScreenBatchRequest
                .newBuilder().setContext(screening).addAllTexts(batch.stream().map(RetroactiveRun.Candidate::prompt).toList()).build())
                .map(r -> r.getResultsList())).collect().asList().chain(results -> {
                    List<ScreenResponse> all = results.stream().flatMap(List::stream).toList();
                    if (!RetroactiveRun.screenedUnder(all, live.getLabel())) {
                        throw new ApiException(409, "conflict", "Policy not loaded yet", "prompt-guard is not screening with the live version '"
                                + live.getLabel() + "' yet; run again in a few seconds");
                    }
                    List<Flagged> flagged = new ArrayList<>();
                    for (int i = 0; i < all.size(); i++) {
                        if (all.get(i).getVerdict().getDecision() != Decision.ALLOW) {
                            flagged.add(new Flagged(candidates.get(i), all.get(i)));
                        }
                    }
                    return openCases(ctx, live, flagged).chain(tally -> {
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("version", live.getVersion());
                        out.put("label", live.getLabel());
                        out.put("hours", hours);
                        out.put("windowScreenings", windowSize);
                        out.put("rechecked", candidates.size());
                        out.put("flagged", flagged.size());
                        out.putAll(tally);
                        return record(ctx, live, out);
                    });
                });
    }

    /** One case per flagged video, in order, until max-cases new ones were opened; joined open cases do not count. */
    private record Flagged(RetroactiveRun.Candidate candidate, ScreenResponse screening) {
    }

    private Uni<Map<String, Object>> openCases(RequestContext ctx, PolicyVersion live, List<Flagged> flagged) {
        Map<String, Object> tally = new LinkedHashMap<>();
        List<Map<String, Object>> cases = new ArrayList<>();
        int[] counts = new int[3]; // opened, joined, deferred
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Flagged f : flagged) {
            RetroactiveRun.Candidate c = f.candidate();
            ScreenResponse r = f.screening();
            chain = chain.chain(() -> {
                if (counts[0] >= maxCases) {
                    counts[2]++;
                    return Uni.createFrom().voidItem();
                }
                var verdict = r.getVerdict().toBuilder().setReason("retroactive run of prompt policy " + live.getLabel() + " (v"
                        + live.getVersion() + ") on a published video: " + r.getVerdict().getReason()).build();
                return reports.enqueue(EnqueueRequest.newBuilder().setContext(ctx).setMachineVerdict(verdict).setPromptText(c.prompt())
                        .setTarget(Target.newBuilder().setKind(TargetKind.CONTENT).setId(c.jobId()).setOwnerAccountId(c.owner())).build())
                        .invoke(ref -> {
                            counts[ref.getMerged() ? 1 : 0]++;
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("jobId", c.jobId());
                            m.put("caseId", ref.getCaseId());
                            m.put("joined", ref.getMerged());
                            m.put("decision", verdict.getDecision().name());
                            m.put("rule", verdict.getRuleId());
                            cases.add(m);
                        }).replaceWithVoid();
            });
        }
        return chain.map(v -> {
            tally.put("casesOpened", counts[0]);
            tally.put("casesJoined", counts[1]);
            tally.put("deferred", counts[2]);
            tally.put("maxCases", maxCases);
            tally.put("cases", cases);
            return tally;
        });
    }

    private Uni<Map<String, Object>> record(RequestContext ctx, PolicyVersion live, Map<String, Object> out) {
        String headline = "re-checked " + out.get("rechecked") + " published videos: " + out.get("flagged") + " flagged, "
                + out.get("casesOpened") + " cases opened, " + out.get("casesJoined") + " joined, " + out.get("deferred") + " deferred";
        return policy.recordEvaluation(io.safeframe.api.v1.RecordPolicyEvaluationRequest.newBuilder().setContext(ctx)
                .setKind(live.getKind()).setVersion(live.getVersion()).setEvaluation("retroactive").setHeadline(headline)
                .setSummaryJson(new JsonObject(out).encode()).build()).replaceWith(out);
    }
}
