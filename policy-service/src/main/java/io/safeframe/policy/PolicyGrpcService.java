package io.safeframe.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.AccountState;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.GetPolicyVersionRequest;
import io.safeframe.api.v1.ListPolicyVersionsRequest;
import io.safeframe.api.v1.LivePolicyRequest;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.PolicyVersionList;
import io.safeframe.api.v1.RollbackPolicyRequest;
import io.safeframe.api.v1.SeedPolicyRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.safeframe.policy.lifecycle.PolicyVersionRpc;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuditLine;
import io.safeframe.api.v1.AuditReceipt;
import io.safeframe.api.v1.AuditVerification;
import io.safeframe.api.v1.AuditedDecision;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.AuthorizeResponse;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DecisionList;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.PolicyService;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ReservationRef;
import io.safeframe.api.v1.ReservationState;
import io.safeframe.api.v1.SanctionRequest;
import io.safeframe.api.v1.Standing;
import io.safeframe.api.v1.StandingRequest;
import io.safeframe.api.v1.Verdict;
import io.safeframe.api.v1.VerifyAuditRequest;
import io.safeframe.policy.anomaly.UsageAnomalyDetector;
import io.safeframe.policy.audit.AuditEntry;
import io.safeframe.policy.audit.AuditKeys;
import io.safeframe.policy.audit.AuditLog;
import io.safeframe.policy.audit.AuditOutbox;
import io.safeframe.policy.audit.AuditVerifier;
import io.safeframe.policy.quota.QuotaLedger;
import io.safeframe.policy.quota.Reservation;
import io.safeframe.policy.standing.Account;
import io.safeframe.policy.standing.StandingService;
import io.safeframe.policy.tier.TierCatalogue;
import io.safeframe.policy.tier.UsagePolicies;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The gRPC edge of policy-service: validates input, calls the features, audits every decision. */
@GrpcService
public class PolicyGrpcService implements PolicyService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(PolicyGrpcService.class);
    static final String POLICY_VERSION = "usage-policy/1";
    private static final int MAX_ID_LENGTH = 256;

    private final QuotaLedger quota;
    private final StandingService standing;
    private final AuditLog audit;
    private final AuditVerifier verifier;
    private final AuditKeys keys;
    private final UsageAnomalyDetector anomalies;
    private final UsagePolicies policies;
    private final TierCatalogue tiers;
    private final ObjectMapper json;
    private final PolicyMetrics metrics;
    private final AuditOutboxRelay relay;
    private final AuditOutbox outbox;
    private final io.vertx.mutiny.sqlclient.Pool pool;
    private final PolicyVersionRpc versions;
    private final io.safeframe.policy.window.ScreeningWindow window;
    private final io.safeframe.policy.erasure.AccountErasure erasure;

    public PolicyGrpcService(QuotaLedger quota, StandingService standing, AuditLog audit, AuditVerifier verifier,
            AuditKeys keys, UsageAnomalyDetector anomalies, UsagePolicies policies, TierCatalogue tiers, ObjectMapper json,
            PolicyMetrics metrics, AuditOutboxRelay relay, AuditOutbox outbox, io.vertx.mutiny.sqlclient.Pool pool,
            PolicyVersionRpc versions, io.safeframe.policy.window.ScreeningWindow window,
            io.safeframe.policy.erasure.AccountErasure erasure) {
        this.erasure = erasure;
        this.quota = quota;
        this.standing = standing;
        this.audit = audit;
        this.verifier = verifier;
        this.keys = keys;
        this.anomalies = anomalies;
        this.policies = policies;
        this.tiers = tiers;
        this.json = json;
        this.metrics = metrics;
        this.relay = relay;
        this.outbox = outbox;
        this.pool = pool;
        this.versions = versions;
        this.window = window;
    }

    @Override
    public Uni<AuthorizeResponse> authorize(AuthorizeRequest request) {
        String account = requireId(request.getContext().getAccountId(), "context.account_id");
        if (request.getVideoSeconds() < 1 || request.getVideoSeconds() > 600) {
            throw Status.INVALID_ARGUMENT.withDescription("video_seconds must be between 1 and 600").asRuntimeException();
        }
        RequestContext ctx = request.getContext();
        // the audit event commits in the reservation's own transaction (outbox); AuditOutboxRelay chains it moments
        // later and lets the usage-anomaly detector see the request: the caller waits for one transaction only
        return quota.reserve(account, request.getVideoSeconds(), request.getIdempotencyKey(),
                request.getRequestFingerprint(), ctx.getCorrelationId(), reservation -> AuditEntry.draft(actor(ctx), account,
                        "generation.authorize", reservation.reservationId(), reservation.granted() ? "ALLOW" : "BLOCK",
                        reservation.reason(), ctx.getCorrelationId(), null,
                        reservation.granted() ? Map.of("tier", reservation.tier())
                                : Map.of("tier", reservation.tier(), "refusal", reservation.refusalCode())))
                .invoke(reservation -> {
                    relay.sealSoon();
                    if (!reservation.granted()) {
                        metrics.refused(reservation.refusalCode());
                    }
                })
                .map(this::toResponse);
    }

    private AuthorizeResponse toResponse(Reservation r) {
        AuthorizeResponse.Builder out = AuthorizeResponse.newBuilder()
                .setGranted(r.granted())
                .setReservationId(r.reservationId())
                .setTier(r.tier())
                .setRemainingToday(r.remainingToday())
                .setVerdict(Verdict.newBuilder()
                        .setDecision(r.granted() ? Decision.ALLOW : Decision.BLOCK)
                        .setRuleId(r.granted() ? "quota:" + r.tier() : "policy:" + r.refusalCode())
                        .setPolicyVersion(POLICY_VERSION)
                        .setReason(r.reason())
                        .setSource("policy")
                        .addCategories(CategoryScore.newBuilder().setCategory("usage").setScore(r.granted() ? 0 : 1)));
        if (r.expiresAt() != null) {
            out.setReservationExpiresAt(timestamp(r.expiresAt()));
        }
        return out.build();
    }

    @Override
    public Uni<ReservationState> commit(ReservationRef request) {
        return finish(request, true);
    }

    @Override
    public Uni<ReservationState> refund(ReservationRef request) {
        return finish(request, false);
    }

    private Uni<ReservationState> finish(ReservationRef request, boolean commit) {
        String id = requireId(request.getReservationId(), "reservation_id");
        RequestContext ctx = request.getContext();
        return (commit ? quota.commit(id) : quota.refund(id))
                .onFailure(QuotaLedger.UnknownReservation.class)
                .transform(f -> Status.NOT_FOUND.withDescription(f.getMessage()).asRuntimeException())
                .chain(state -> outbox.enqueue(pool, AuditEntry.draft(actor(ctx), ctx.getAccountId(),
                        commit ? "generation.commit" : "generation.refund", id, null, request.getReason(),
                        ctx.getCorrelationId(), null, Map.of("state", state))).invoke(relay::sealSoon)
                        .map(v -> ReservationState.newBuilder().setReservationId(id).setState(state).build()));
    }

    @Override
    public Uni<AuditReceipt> recordAudit(AuditEvent event) {
        if (event.getAction().isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("action is required").asRuntimeException();
        }
        RequestContext ctx = event.getContext();
        String decision = event.getDecision() == Decision.DECISION_UNSPECIFIED ? null : event.getDecision().name();
        String account = ctx.getAccountId().isBlank() ? null : ctx.getAccountId();
        // a durable enqueue, chained moments later (AuditOutboxRelay): the caller does not wait for the chain's lock;
        // readers of the log seal the queue first, so what was recorded is always read back
        Uni<Void> recorded = outbox.enqueue(pool, AuditEntry.draft(actor(ctx), account, event.getAction(),
                event.getTarget(), decision, event.getReason(), ctx.getCorrelationId(),
                keys.promptHmac(event.getPromptToHash()), event.getAttributesMap())).invoke(relay::sealSoon);
        String signal = UsageAnomalyDetector.signalFor(event.getAction(), decision);
        if ("prompt.screened".equals(event.getAction())) {
            // kept for backtests on live traffic; nobody waits for it (it never fails the caller either)
            recorded = recorded.invoke(() -> Uni.createFrom().deferred(() -> window.record(account, event.getTarget(), decision,
                    event.getAttributesOrDefault("rule", ""), event.getAttributesOrDefault("policy_version", ""), event.getPromptToHash()))
                    .subscribe().with(v -> {
                    }, f -> LOG.warnf("screening of %s not kept in the window: %s", event.getTarget(), f.toString())));
        }
        return recorded.chain(() -> {
            AuditReceipt.Builder receipt = AuditReceipt.newBuilder();
            Uni<Void> watch = account == null || signal == null ? Uni.createFrom().voidItem()
                    : anomalies.observeAndAudit(account, signal, Instant.now(), ctx.getCorrelationId())
                            .invoke(flag -> {
                                if (flag != null) {
                                    receipt.setAnomaly(anomalyVerdict(flag));
                                }
                            }).replaceWithVoid();
            return watch.map(v -> receipt.build());
        });
    }

    /** A flag as a REVIEW verdict for report-service; z of 10 or more counts as certain. */
    private static io.safeframe.api.v1.Verdict anomalyVerdict(UsageAnomalyDetector.Flag flag) {
        return io.safeframe.api.v1.Verdict.newBuilder().setDecision(Decision.REVIEW).setSource("policy")
                .setRuleId("anomaly:" + flag.signal()).setReason(flag.reason()).setVerdictId(flag.flagId())
                .addCategories(io.safeframe.api.v1.CategoryScore.newBuilder().setCategory("usage_anomaly")
                        .setScore(Math.min(1.0, flag.zScore() / 10.0)))
                .build();
    }

    @Override
    public Uni<Standing> getStanding(StandingRequest request) {
        String account = requireId(request.getAccountId(), "account_id");
        return standing.find(account).chain(a -> quota.usedToday(account).map(used -> toStanding(account, a, used)));
    }

    @Override
    public Uni<Standing> applySanction(SanctionRequest request) {
        String account = requireId(request.getAccountId(), "account_id");
        RequestContext ctx = request.getContext();
        String kind = switch (request.getKind()) {
            case SUSPEND -> "SUSPEND";
            case BAN -> "BAN";
            case THROTTLE -> "THROTTLE";
            default -> throw Status.INVALID_ARGUMENT.withDescription("kind must be SUSPEND, BAN or THROTTLE").asRuntimeException();
        };
        return standing.apply(account, kind, Duration.ofSeconds(request.getDurationSeconds()), request.getReason(),
                blankToNull(request.getCaseId()), actor(ctx))
                .onFailure(StandingService.InvalidSanction.class)
                .transform(f -> Status.INVALID_ARGUMENT.withDescription(f.getMessage()).asRuntimeException())
                .chain(a -> audit.append(AuditEntry.draft(actor(ctx), account, "sanction.apply", request.getCaseId(), "BLOCK",
                        request.getReason(), ctx.getCorrelationId(), null,
                        Map.of("kind", kind, "duration_seconds", Long.toString(request.getDurationSeconds()))))
                        .chain(() -> quota.usedToday(account)).map(used -> toStanding(account, a, used)));
    }

    @Override
    public Uni<Standing> liftSanction(LiftSanctionRequest request) {
        String account = requireId(request.getAccountId(), "account_id");
        RequestContext ctx = request.getContext();
        if (request.getReason().isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("lifting a sanction needs a reason").asRuntimeException();
        }
        if (account.equals(ctx.getActor())) {
            // separation of duties: nobody lifts their own sanction, whatever role they hold; the attempt is recorded
            return audit.append(AuditEntry.draft(actor(ctx), account, "sanction.lift_refused", request.getCaseId(), "BLOCK",
                    "an account may not lift its own sanction", ctx.getCorrelationId(), null, Map.of()))
                    .chain(() -> Uni.createFrom().failure(Status.PERMISSION_DENIED
                            .withDescription("you may not lift a sanction on your own account (separation of duties)").asRuntimeException()));
        }
        return standing.lift(account, request.getReason(), blankToNull(request.getCaseId()), actor(ctx))
                .chain(a -> audit.append(AuditEntry.draft(actor(ctx), account, "sanction.lift", request.getCaseId(), "ALLOW",
                        request.getReason(), ctx.getCorrelationId(), null, Map.of()))
                        .chain(() -> quota.usedToday(account)).map(used -> toStanding(account, a, used)));
    }

    @Override
    public Uni<AuditVerification> verifyAudit(VerifyAuditRequest request) {
        return relay.sealNow().chain(verifier::verify).map(r -> AuditVerification.newBuilder()
                .setIntact(r.intact())
                .setEventsChecked(r.eventsChecked())
                .setCheckpointsChecked(r.checkpointsChecked())
                .setFirstBrokenSeq(r.firstBrokenSeq() == null ? 0 : r.firstBrokenSeq())
                .setFirstBrokenCheckpoint(r.firstBrokenCheckpoint() == null ? 0 : r.firstBrokenCheckpoint())
                .setProblem(r.problem() == null ? "" : r.problem())
                .build());
    }

    @Override
    public Multi<AuditLine> exportAudit(ExportAuditRequest request) {
        long from = Math.max(1, request.getFromSeq());
        long to = request.getToSeq() <= 0 ? Long.MAX_VALUE : request.getToSeq();
        if (to < from) {
            throw Status.INVALID_ARGUMENT.withDescription("to_seq must not be before from_seq").asRuntimeException();
        }
        Uni<java.util.List<AuditLine>> lines = relay.sealNow().chain(() -> audit.range(from, to, 100_000)).chain(events -> audit.checkpoints(from, to)
                .map(checkpoints -> {
                    java.util.List<AuditLine> out = new java.util.ArrayList<>();
                    for (AuditEntry e : events) {
                        ObjectNode node = json.valueToTree(e);
                        node.put("type", "event");
                        node.put("occurredAt", e.occurredAt().toString());
                        out.add(AuditLine.newBuilder().setJson(node.toString()).build());
                    }
                    for (AuditLog.Checkpoint c : checkpoints) {
                        ObjectNode node = json.valueToTree(c);
                        node.put("type", "checkpoint");
                        node.put("algorithm", "merkle-sha256-rfc6962/ed25519");
                        out.add(AuditLine.newBuilder().setJson(node.toString()).build());
                    }
                    return out;
                }));
        return lines.onItem().transformToMulti(list -> Multi.createFrom().iterable(list));
    }

    @Override
    public Uni<DecisionList> listDecisions(StandingRequest request) {
        String account = requireId(request.getAccountId(), "account_id");
        return relay.sealNow().chain(() -> audit.forAccount(account, 500)).map(entries -> {
            DecisionList.Builder out = DecisionList.newBuilder();
            for (AuditEntry e : entries) {
                if (e.decision() == null) {
                    continue;
                }
                out.addDecisions(AuditedDecision.newBuilder()
                        .setSeq(e.seq())
                        .setOccurredAt(e.occurredAt().toString())
                        .setAction(e.action())
                        .setTarget(e.target() == null ? "" : e.target())
                        .setDecision(Decision.valueOf(e.decision()))
                        .setReason(e.reason() == null ? "" : e.reason())
                        .setCorrelationId(e.correlationId() == null ? "" : e.correlationId()));
            }
            return out.build();
        });
    }

    @Override
    public Uni<io.safeframe.api.v1.ErasureResult> eraseAccount(io.safeframe.api.v1.EraseAccountRequest request) {
        return erasure.erase(requireId(request.getAccountId(), "account_id"));
    }

    // Versioned safety policies (docs/policy-lifecycle.md): the lifecycle package does the work.

    @Override
    public Uni<PolicyVersion> draftPolicyVersion(DraftPolicyVersionRequest request) {
        return versions.draft(request);
    }

    @Override
    public Uni<PolicyVersion> approvePolicyVersion(ApprovePolicyVersionRequest request) {
        return versions.approve(request);
    }

    @Override
    public Uni<PolicyVersion> transitionPolicyVersion(TransitionPolicyVersionRequest request) {
        return versions.transition(request);
    }

    @Override
    public Uni<PolicyVersion> stopCanary(io.safeframe.api.v1.StopCanaryRequest request) {
        return versions.stopCanary(request);
    }

    @Override
    public Uni<io.safeframe.api.v1.PolicyEvaluation> recordPolicyEvaluation(io.safeframe.api.v1.RecordPolicyEvaluationRequest request) {
        return versions.recordEvaluation(request);
    }

    @Override
    public Uni<io.safeframe.api.v1.ScreeningWindow> listScreeningWindow(io.safeframe.api.v1.ScreeningWindowRequest request) {
        if (request.getHours() < 0 || request.getLimit() < 0) {
            throw Status.INVALID_ARGUMENT.withDescription("hours and limit must not be negative").asRuntimeException();
        }
        return window.list(request.getHours(), request.getLimit(), java.time.Instant.now())
                .map(list -> io.safeframe.api.v1.ScreeningWindow.newBuilder().addAllScreenings(list)
                        .setRetention(window.retention().toString()).build());
    }

    @Override
    public Uni<PolicyVersion> rollbackPolicy(RollbackPolicyRequest request) {
        return versions.rollback(request);
    }

    @Override
    public Uni<PolicyVersionList> listPolicyVersions(ListPolicyVersionsRequest request) {
        return versions.list(request);
    }

    @Override
    public Uni<PolicyVersion> getPolicyVersion(GetPolicyVersionRequest request) {
        return versions.get(request);
    }

    @Override
    public Uni<PolicyVersion> getLivePolicy(LivePolicyRequest request) {
        return versions.live(request);
    }

    @Override
    public Uni<PolicyVersion> seedPolicy(SeedPolicyRequest request) {
        return versions.seed(request);
    }

    @Override
    public Uni<io.safeframe.api.v1.PolicyDivergenceReceipt> recordPolicyDivergences(io.safeframe.api.v1.PolicyDivergences request) {
        return versions.recordDivergences(request);
    }

    @Override
    public Uni<io.safeframe.api.v1.DivergenceReport> getDivergenceReport(io.safeframe.api.v1.DivergenceReportRequest request) {
        return versions.divergenceReport(request);
    }

    private Standing toStanding(String accountId, Account a, int usedToday) {
        Instant now = Instant.now();
        String tier = a == null ? policies.defaultTier() : a.tier;
        if (a != null && a.throttledAt(now)) {
            tier = policies.throttledTier();
        }
        int perDay = tiers.policyFor(tier).generationsPerDay();
        Standing.Builder out = Standing.newBuilder()
                .setAccountId(accountId)
                .setTier(tier)
                .setGenerationsPerDay(perDay)
                .setRemainingToday(Math.max(0, perDay - usedToday))
                .setState(AccountState.ACTIVE);
        if (a != null) {
            out.setState(AccountState.valueOf(a.effectiveState(now)))
                    .setReason(a.reason == null ? "" : a.reason)
                    .setCaseId(a.caseId == null ? "" : a.caseId)
                    .setStrikes(a.strikes);
            if (a.suspendedUntil != null && "SUSPENDED".equals(a.effectiveState(now))) {
                out.setSuspendedUntil(timestamp(a.suspendedUntil));
            }
        }
        return out.build();
    }

    private static String requireId(String value, String field) {
        if (value == null || value.isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription(field + " is required").asRuntimeException();
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw Status.INVALID_ARGUMENT.withDescription(field + " is longer than " + MAX_ID_LENGTH).asRuntimeException();
        }
        return value;
    }

    private static String actor(RequestContext ctx) {
        if (!ctx.getActor().isBlank()) {
            return ctx.getActor();
        }
        return ctx.getAccountId().isBlank() ? "unknown" : ctx.getAccountId();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
