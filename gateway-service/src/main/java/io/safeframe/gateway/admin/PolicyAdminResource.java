package io.safeframe.gateway.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.GetPolicyVersionRequest;
import io.safeframe.api.v1.ListPolicyVersionsRequest;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.RollbackPolicyRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.PolicyDocuments;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * Versioned safety policies (docs/policy-lifecycle.md): admins draft and move versions, a policy reviewer who is not
 * the author approves them. The lifecycle's rules live in policy-service; this edge checks roles and validates a
 * document with the owning service's parser before it is drafted.
 */
@Path("/v1/admin/policies/{kind}")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyAdminResource {

    static final String REVIEWER = "policy_reviewer";

    @RegisterForReflection
    public record DraftBody(String reason, JsonNode document) {
    }

    @RegisterForReflection
    public record ReasonBody(String reason) {
    }

    @RegisterForReflection
    public record TransitionBody(String to, String reason) {
    }

    private final PolicyClient policy;
    private final PolicyDocuments documents;
    private final SecurityIdentity identity;
    private final io.safeframe.gateway.internal.GuardClient guard;
    private final io.safeframe.gateway.internal.ReportClient reports;

    private final io.safeframe.gateway.generation.JobStore jobs;

    public PolicyAdminResource(PolicyClient policy, PolicyDocuments documents, SecurityIdentity identity,
            io.safeframe.gateway.internal.GuardClient guard, io.safeframe.gateway.internal.ReportClient reports,
            io.safeframe.gateway.generation.JobStore jobs) {
        this.jobs = jobs;
        this.guard = guard;
        this.reports = reports;
        this.policy = policy;
        this.documents = documents;
        this.identity = identity;
    }

    @GET
    @Path("/versions")
    @RolesAllowed({ "admin", REVIEWER })
    @Operation(summary = "Every version of a policy kind, newest first, with its state")
    public Uni<Map<String, Object>> list(@PathParam("kind") String kind, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.policyVersions(ListPolicyVersionsRequest.newBuilder().setContext(ctx).setKind(kind).build())
                .map(l -> Map.of("kind", kind, "versions", l.getVersionsList().stream().map(PolicyAdminResource::view).toList()));
    }

    @GET
    @Path("/versions/{version}")
    @RolesAllowed({ "admin", REVIEWER })
    @Operation(summary = "One version: document, history, and its diff against the live version")
    public Uni<Map<String, Object>> get(@PathParam("kind") String kind, @PathParam("version") int version,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.policyVersion(GetPolicyVersionRequest.newBuilder().setContext(ctx).setKind(kind).setVersion(version).build())
                .map(PolicyAdminResource::view);
    }

    @POST
    @Path("/versions")
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Draft a new version: {reason, document}; the document is validated as it would be loaded (400 if not)")
    public Uni<Response> draft(@PathParam("kind") String kind, DraftBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        if (body == null || body.document() == null || !body.document().isObject()) {
            throw ApiException.badRequest("a JSON body {reason, document} with the policy document as a JSON object is required");
        }
        String reason = PromptText.requireText(body.reason(), "reason", 2000);
        String document = body.document().toString();
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return documents.validate(ctx, kind, document)
                .chain(() -> policy.draftPolicy(DraftPolicyVersionRequest.newBuilder().setContext(ctx).setKind(kind)
                        .setDocumentJson(document).setReason(reason).build()))
                // policy-service's own check (tiers) answers INVALID_ARGUMENT: the same 400 as the other kinds' loaders
                .onFailure(f -> f instanceof ApiException a && a.status == 422)
                .transform(f -> ApiException.badRequest(f.getMessage()))
                .map(v -> Response.status(201).entity(view(v)).build());
    }

    @POST
    @Path("/versions/{version}/approve")
    @RolesAllowed(REVIEWER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve a draft (policy_reviewer, never the author: 403), or review an emergency rollback afterwards")
    public Uni<Map<String, Object>> approve(@PathParam("kind") String kind, @PathParam("version") int version, ReasonBody body,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.approvePolicy(ApprovePolicyVersionRequest.newBuilder().setContext(ctx).setKind(kind).setVersion(version)
                .setReason(reason(body)).setActorIsReviewer(identity.hasRole(REVIEWER)).build()).map(PolicyAdminResource::view);
    }

    @POST
    @Path("/versions/{version}/transition")
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move an approved version: {to: shadow|canary|live|retired, reason}; 409 when not allowed from its state")
    public Uni<Map<String, Object>> transition(@PathParam("kind") String kind, @PathParam("version") int version,
            TransitionBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        if (body == null || body.to() == null) {
            throw ApiException.badRequest("a JSON body {to, reason} is required");
        }
        PolicyState to = switch (body.to()) {
            case "shadow" -> PolicyState.POLICY_SHADOW;
            case "canary" -> PolicyState.POLICY_CANARY;
            case "live" -> PolicyState.POLICY_LIVE;
            case "retired" -> PolicyState.POLICY_RETIRED;
            default -> throw ApiException.badRequest("to must be shadow, canary, live or retired (approval is its own endpoint)");
        };
        if (to == PolicyState.POLICY_SHADOW || to == PolicyState.POLICY_CANARY) {
            documents.requireEvaluated(kind, "shadow and canary");
        }
        RequestContext ctx = StaffContext.of(identity, correlationId);
        String reason = PromptText.requireText(body.reason(), "reason", 2000);
        Uni<Void> before = to == PolicyState.POLICY_LIVE || to == PolicyState.POLICY_RETIRED ? keepCanaryOutcomes(ctx, kind, version)
                : Uni.createFrom().voidItem();
        return before.chain(() -> policy.transitionPolicy(TransitionPolicyVersionRequest.newBuilder().setContext(ctx).setKind(kind)
                .setVersion(version).setTo(to).setReason(reason).build())).map(PolicyAdminResource::view);
    }

    /**
     * When the version in canary is promoted or retired, what people said about each arm is kept with it first (the
     * experiment's result, issue 24 item 4). Fails closed: a canary whose outcome cannot be recorded is not ended
     * this way; an emergency uses rollback, which needs nothing else to answer.
     */
    private Uni<Void> keepCanaryOutcomes(RequestContext ctx, String kind, int version) {
        return policy.policyVersions(ListPolicyVersionsRequest.newBuilder().setContext(ctx).setKind(kind).build()).chain(list -> {
            PolicyVersion canary = list.getVersionsList().stream()
                    .filter(v -> v.getVersion() == version && v.getState() == PolicyState.POLICY_CANARY).findFirst().orElse(null);
            PolicyVersion live = live(list).orElse(null);
            if (canary == null || live == null) {
                return Uni.createFrom().voidItem();
            }
            return outcomes(ctx, live, canary).chain(figures -> record(ctx, kind, version, "canary-outcomes", figures,
                    "canary ended: " + CanaryOutcomes.headline(figures))).replaceWithVoid();
        });
    }

    @POST
    @Path("/rollback")
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Emergency: the version live before the current one is live again, at once; audited and flagged for review")
    public Uni<Map<String, Object>> rollback(@PathParam("kind") String kind, ReasonBody body,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.rollbackPolicy(RollbackPolicyRequest.newBuilder().setContext(ctx).setKind(kind).setReason(reason(body)).build())
                .map(PolicyAdminResource::view);
    }

    @GET
    @Path("/shadow/report")
    @RolesAllowed({ "admin", REVIEWER })
    @Operation(summary = "Shadow mode: where the candidate (default: the version in shadow now) decided otherwise than live, "
            + "by category and decision pair, with samples")
    public Uni<Map<String, Object>> shadowReport(@PathParam("kind") String kind, @jakarta.ws.rs.QueryParam("version") int version,
            @jakarta.ws.rs.QueryParam("samples") int samples, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.divergenceReport(io.safeframe.api.v1.DivergenceReportRequest.newBuilder().setContext(ctx).setKind(kind)
                .setCandidateVersion(version).setSamplesPerGroup(samples).build()).map(r -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("kind", r.getKind());
                    out.put("candidateVersion", r.getCandidateVersion());
                    out.put("total", r.getTotal());
                    out.put("groups", r.getGroupsList().stream().map(g -> {
                        Map<String, Object> group = new LinkedHashMap<>();
                        group.put("category", g.getCategory());
                        group.put("live", g.getLiveDecision().name());
                        group.put("candidate", g.getCandidateDecision().name());
                        group.put("count", g.getCount());
                        group.put("samples", g.getSamplesList().stream().map(d -> {
                            Map<String, Object> sample = new LinkedHashMap<>();
                            sample.put("at", Instant.ofEpochSecond(d.getAt().getSeconds()).toString());
                            sample.put("liveVersion", d.getLiveVersion());
                            sample.put("liveRule", d.getLiveRule());
                            sample.put("candidateRule", d.getCandidateRule());
                            sample.put("liveEvidence", d.getLiveEvidenceList());
                            sample.put("candidateEvidence", d.getCandidateEvidenceList());
                            sample.put("correlationId", d.getCorrelationId());
                            return sample;
                        }).toList());
                        return group;
                    }).toList());
                    return out;
                });
    }

    @POST
    @Path("/versions/{version}/backtest")
    @RolesAllowed({ "admin", REVIEWER })
    @Consumes({ "application/x-ndjson", "application/jsonl", MediaType.TEXT_PLAIN })
    @Operation(summary = "Backtest: the version beside the live one on a labelled set (JSON Lines of {text, label, category}); "
            + "recall, false positives and hard blocks of each, per category, and the lines whose decision changes")
    public Uni<Map<String, Object>> backtest(@PathParam("kind") String kind, @PathParam("version") int version, String body,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireEvaluated(kind, "backtests");
        java.util.List<io.safeframe.api.v1.LabelledPrompt> prompts = LabelledSet.parse(body);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return backtest(ctx, kind, version, "a labelled set", "backtest", Uni.createFrom().item(prompts), report -> report);
    }

    @POST
    @Path("/versions/{version}/backtest/recent")
    @RolesAllowed({ "admin", REVIEWER })
    @Operation(summary = "Backtest on live traffic: the version beside the live one on the retained window of recent "
            + "screenings (the last `hours`, default the whole window); moderator labels of those prompts give precision, "
            + "the rest counts in the would-review/would-block shifts per category")
    public Uni<Map<String, Object>> backtestRecent(@PathParam("kind") String kind, @PathParam("version") int version,
            @QueryParam("hours") @DefaultValue("0") int hours, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireEvaluated(kind, "backtests");
        if (hours < 0 || hours > 24 * 90) {
            throw ApiException.badRequest("hours must be 0 (the whole window) to " + 24 * 90);
        }
        RequestContext ctx = StaffContext.of(identity, correlationId);
        Uni<java.util.List<io.safeframe.api.v1.LabelledPrompt>> lines = policy.screeningWindow(ctx, hours)
                .chain(window -> reports.labels(io.safeframe.api.v1.LabelsRequest.newBuilder().setContext(ctx).setLimit(RecentTraffic.LABELS).build())
                        .map(labels -> RecentTraffic.lines(window.getScreeningsList(), labels.getLabelsList())))
                .invoke(list -> {
                    if (list.isEmpty()) {
                        throw new ApiException(409, "conflict", "Nothing to replay", "the window of recent screenings is empty");
                    }
                });
        return backtest(ctx, kind, version, "recent screenings", "backtest-recent", lines, RecentTraffic::withholdUnjudgedText);
    }

    @GET
    @Path("/canary/outcomes")
    @RolesAllowed({ "admin", REVIEWER })
    @Operation(summary = "Canary outcomes judged by people: per arm (live, the canary — default the version in canary now), the "
            + "labelled verdicts, how many a moderator or an appeal overturned, and appeal reversals")
    public Uni<Map<String, Object>> canaryOutcomes(@PathParam("kind") String kind, @QueryParam("version") @DefaultValue("0") int version,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        documents.requireKnown(kind);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        return policy.policyVersions(ListPolicyVersionsRequest.newBuilder().setContext(ctx).setKind(kind).build()).chain(list -> {
            PolicyVersion live = live(list)
                    .orElseThrow(() -> new ApiException(409, "conflict", "No live version", "nothing to compare a canary with"));
            PolicyVersion canary = list.getVersionsList().stream()
                    .filter(v -> version == 0 ? v.getState() == PolicyState.POLICY_CANARY : v.getVersion() == version).findFirst()
                    .orElseThrow(() -> version == 0 ? new ApiException(409, "conflict", "No canary", "no version is in canary now; name one with ?version=")
                            : ApiException.notFound("no version " + version + " of " + kind));
            if (canary.getLabel().equals(live.getLabel())) {
                // verdicts name their policy by its document label: with one label for both, the arms cannot be told apart
                throw new ApiException(409, "conflict", "The arms cannot be told apart", "v" + canary.getVersion() + " carries the live version's label '"
                        + live.getLabel() + "'; give the candidate's document its own \"version\"");
            }
            return outcomes(ctx, live, canary);
        });
    }

    /** Labels per arm, and the share of each arm's published videos that people reported since the canary began. */
    private Uni<Map<String, Object>> outcomes(RequestContext ctx, PolicyVersion live, PolicyVersion canary) {
        Instant since = CanaryOutcomes.canarySince(canary);
        return reports.labels(io.safeframe.api.v1.LabelsRequest.newBuilder().setContext(ctx).setLimit(RecentTraffic.LABELS).build())
                .chain(labels -> reportRate(ctx, live.getLabel(), since).chain(liveReports -> reportRate(ctx, canary.getLabel(), since)
                        .map(canaryReports -> CanaryOutcomes.of(live, canary, labels.getLabelsList(), liveReports, canaryReports))));
    }

    private Uni<CanaryOutcomes.Reports> reportRate(RequestContext ctx, String policyLabel, Instant since) {
        return jobs.publishedUnderPolicy(policyLabel, since, CanaryOutcomes.MAX_PUBLISHED).chain(ids -> ids.isEmpty()
                ? Uni.createFrom().item(new CanaryOutcomes.Reports(0, 0, false))
                : reports.reportedContent(io.safeframe.api.v1.ReportedContentRequest.newBuilder().setContext(ctx).addAllContentIds(ids).build())
                        .map(r -> new CanaryOutcomes.Reports(ids.size(), r.getContentIdsCount(), ids.size() >= CanaryOutcomes.MAX_PUBLISHED)));
    }

    /** Keeps figures with the version they are about (policy-service audits them in the same transaction). */
    private Uni<Map<String, Object>> record(RequestContext ctx, String kind, int version, String evaluation, Map<String, Object> figures,
            String headline) {
        return policy.recordEvaluation(io.safeframe.api.v1.RecordPolicyEvaluationRequest.newBuilder().setContext(ctx).setKind(kind)
                .setVersion(version).setEvaluation(evaluation).setSummaryJson(new JsonObject(figures).encode())
                .setHeadline(headline.length() > 2000 ? headline.substring(0, 2000) : headline).build()).replaceWith(figures);
    }

    /**
     * Both backtests: the version's document and the lines to prompt-guard; the report as shown (unjudged prompt text
     * withheld) is kept with the version and audited with its headline figures.
     */
    private Uni<Map<String, Object>> backtest(RequestContext ctx, String kind, int version, String source, String evaluation,
            Uni<java.util.List<io.safeframe.api.v1.LabelledPrompt>> lines,
            java.util.function.UnaryOperator<Map<String, Object>> shown) {
        return policy.policyVersion(GetPolicyVersionRequest.newBuilder().setContext(ctx).setKind(kind).setVersion(version).build())
                .chain(v -> lines.chain(prompts -> guard.backtest(io.safeframe.api.v1.BacktestRequest.newBuilder().setContext(ctx)
                        .setCandidatePolicyJson(v.getDocumentJson()).addAllPrompts(prompts).build())))
                .chain(r -> {
                    Map<String, Object> report = new LinkedHashMap<>(shown.apply(BacktestView.of(version, r)));
                    report.put("source", source);
                    return record(ctx, kind, version, evaluation, report, source + ": " + r.getUnsafe() + " unsafe / " + r.getSafe()
                            + " safe / " + r.getUnlabelled() + " unlabelled lines: caught " + r.getLiveCaught() + " → "
                            + r.getCandidateCaught() + ", false positives " + r.getLiveFalsePositives() + " → "
                            + r.getCandidateFalsePositives() + ", " + r.getChanged() + " decisions changed");
                });
    }

    private static String reason(ReasonBody body) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body {reason} is required");
        }
        return PromptText.requireText(body.reason(), "reason", 2000);
    }

    /** The live version of a kind's list (there is at most one). */
    static java.util.Optional<PolicyVersion> live(io.safeframe.api.v1.PolicyVersionList list) {
        return list.getVersionsList().stream().filter(v -> v.getState() == PolicyState.POLICY_LIVE).findFirst();
    }

    static Map<String, Object> view(PolicyVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", v.getKind());
        out.put("version", v.getVersion());
        out.put("state", state(v.getState()));
        out.put("label", v.getLabel());
        out.put("author", v.getAuthor());
        out.put("reason", v.getReason());
        out.put("approvedBy", v.getApprovedBy().isEmpty() ? null : v.getApprovedBy());
        out.put("createdAt", Instant.ofEpochSecond(v.getCreatedAt().getSeconds(), v.getCreatedAt().getNanos()).toString());
        out.put("updatedAt", Instant.ofEpochSecond(v.getUpdatedAt().getSeconds(), v.getUpdatedAt().getNanos()).toString());
        out.put("rollbackNeedsReview", v.getRollbackNeedsReview());
        if (!v.getDocumentJson().isEmpty()) {
            out.put("document", new JsonObject(v.getDocumentJson()).getMap());
        }
        if (!v.getDiffJson().isEmpty()) {
            out.put("diffAgainstVersion", v.getDiffBaseVersion() == 0 ? null : v.getDiffBaseVersion());
            out.put("diff", new JsonArray(v.getDiffJson()).getList());
        }
        if (v.getEvaluationsCount() > 0) {
            out.put("evaluations", v.getEvaluationsList().stream().map(e -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("evaluation", e.getEvaluation());
                m.put("headline", e.getHeadline());
                m.put("recordedBy", e.getRecordedBy());
                m.put("recordedAt", Instant.ofEpochSecond(e.getRecordedAt().getSeconds(), e.getRecordedAt().getNanos()).toString());
                m.put("summary", new JsonObject(e.getSummaryJson()).getMap());
                return m;
            }).toList());
        }
        if (v.getHistoryCount() > 0) {
            out.put("history", v.getHistoryList().stream().map(t -> {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("from", t.getFrom() == PolicyState.POLICY_STATE_UNSPECIFIED ? null : state(t.getFrom()));
                h.put("to", state(t.getTo()));
                h.put("actor", t.getActor());
                h.put("reason", t.getReason());
                h.put("at", Instant.ofEpochSecond(t.getAt().getSeconds(), t.getAt().getNanos()).toString());
                h.put("emergency", t.getEmergency());
                return h;
            }).toList());
        }
        return out;
    }

    private static String state(PolicyState s) {
        return s.name().substring("POLICY_".length()).toLowerCase(java.util.Locale.ROOT);
    }
}
