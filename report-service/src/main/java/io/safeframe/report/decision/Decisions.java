package io.safeframe.report.decision;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SanctionKind;
import io.safeframe.api.v1.SanctionRequest;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.report.Refusal;
import io.safeframe.report.config.ReportSettings;
import io.safeframe.report.conflict.ConflictOfInterest;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.enforcement.OutboxRelay;
import io.safeframe.report.notice.Notices;
import io.safeframe.report.queue.CaseIds;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A moderator's decision on a claimed case. In one transaction: the decision with its statement of reasons
 * (DSA Art. 17(3) contents), the case closed, strikes and their escalation, content status, reporter trust,
 * notices, and the sanction and audit calls for policy-service (outbox). Then the outbox is delivered.
 */
@ApplicationScoped
public class Decisions {

    public static final String ILLEGAL = "ILLEGAL_CONTENT";
    public static final String INCOMPATIBLE = "INCOMPATIBLE_WITH_TERMS";

    private final Pool pool;
    private final ReportSettings settings;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Notices notices;
    private final ConflictOfInterest conflicts;
    private final io.safeframe.report.metrics.ModerationMetrics metrics;
    private final io.safeframe.report.webhook.PlatformEvents platform;
    private final io.safeframe.report.label.Labels labels;
    private final io.safeframe.report.qa.SecondReviewSample secondReview;

    public Decisions(Pool pool, ReportSettings settings, Outbox outbox, OutboxRelay relay, Notices notices,
            ConflictOfInterest conflicts, io.safeframe.report.metrics.ModerationMetrics metrics,
            io.safeframe.report.webhook.PlatformEvents platform, io.safeframe.report.label.Labels labels,
            io.safeframe.report.qa.SecondReviewSample secondReview) {
        this.labels = labels;
        this.secondReview = secondReview;
        this.platform = platform;
        this.pool = pool;
        this.settings = settings;
        this.outbox = outbox;
        this.relay = relay;
        this.notices = notices;
        this.conflicts = conflicts;
        this.metrics = metrics;
    }

    public Uni<DecisionRecord> decide(DecideRequest request) {
        RequestContext ctx = request.getContext();
        String moderator = Refusal.requireText(ctx.getActor(), "moderator (context.actor)", 200);
        UUID caseId = CaseIds.parse(request.getCaseId());
        Action action = request.getAction();
        if (action == Action.ACTION_UNSPECIFIED || action == Action.UNRECOGNIZED) {
            throw Refusal.invalid("action must be one of NO_ACTION, REMOVE_CONTENT, AGE_RESTRICT, STRIKE, SUSPEND_ACCOUNT, BAN_ACCOUNT");
        }
        if (action == Action.SUSPEND_ACCOUNT && (request.getSuspensionSeconds() <= 0
                || request.getSuspensionSeconds() > settings.maxSuspension().toSeconds())) {
            throw Refusal.invalid("a suspension needs suspension_seconds between 1 and " + settings.maxSuspension().toSeconds());
        }
        if (action != Action.SUSPEND_ACCOUNT && request.getSuspensionSeconds() != 0) {
            throw Refusal.invalid("suspension_seconds only goes with SUSPEND_ACCOUNT");
        }
        StatementOfReasons given = request.getStatement();
        Refusal.requireText(given.getFacts(), "statement.facts", 5000);
        Refusal.requireText(given.getGround(), "statement.ground", 1000);
        if (!given.getGroundType().isEmpty() && !ILLEGAL.equals(given.getGroundType()) && !INCOMPATIBLE.equals(given.getGroundType())) {
            throw Refusal.invalid("statement.ground_type must be ILLEGAL_CONTENT or INCOMPATIBLE_WITH_TERMS");
        }
        return pool.withTransaction(conn -> conn.preparedQuery("select * from report_case where case_id = $1 for update")
                .execute(Tuple.of(caseId))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(Refusal.notFound("no case " + caseId));
                    }
                    Row c = rows.iterator().next();
                    return ConflictOfInterest.stake(conn, caseId, moderator).chain(stake -> {
                        if (stake != null) {
                            return conflicts.<DecisionRecord>refuse(ctx, "decide case " + caseId, caseId.toString(), stake);
                        }
                        checkClaim(c, moderator, request.getCaseVersion());
                        return record(conn, ctx, c, request, moderator);
                    });
                }))
                // counted once committed: a refused or rolled-back decision is not one
                .invoke(d -> metrics.decided(action))
                // a sanction should be in force when the moderator sees "decided"; other effects can follow within a second
                .call(d -> action == Action.STRIKE || action == Action.SUSPEND_ACCOUNT || action == Action.BAN_ACCOUNT
                        ? relay.deliverSoon() : Uni.createFrom().voidItem());
    }

    /** Only the holder of a live claim, on the version of the case they looked at, may decide. */
    private static void checkClaim(Row c, String moderator, long seenVersion) {
        if ("DECIDED".equals(c.getString("state"))) {
            throw Refusal.conflict("case " + c.getUUID("case_id") + " is already decided");
        }
        if (!"CLAIMED".equals(c.getString("state")) || !moderator.equals(c.getString("claimed_by"))) {
            throw Refusal.conflict("claim case " + c.getUUID("case_id") + " before deciding it");
        }
        if (c.getOffsetDateTime("lease_until").isBefore(java.time.OffsetDateTime.now())) {
            throw Refusal.conflict("your claim on case " + c.getUUID("case_id") + " expired; claim it again");
        }
        if (seenVersion != 0 && seenVersion != c.getLong("version")) {
            throw Refusal.conflict("case " + c.getUUID("case_id") + " changed since you opened it (version " + seenVersion + " → "
                    + c.getLong("version") + "); reload it");
        }
    }

    private Uni<DecisionRecord> record(SqlConnection conn, RequestContext ctx, Row c, DecideRequest request, String moderator) {
        Action action = request.getAction();
        String targetKind = c.getString("target_kind");
        String owner = c.getString("owner_account");
        boolean accountAction = action == Action.STRIKE || action == Action.SUSPEND_ACCOUNT || action == Action.BAN_ACCOUNT;
        if ((action == Action.REMOVE_CONTENT || action == Action.AGE_RESTRICT) && "ACCOUNT".equals(targetKind)) {
            throw Refusal.invalid(action + " applies to content; this case is about an account");
        }
        if (action != Action.NO_ACTION && "CAMPAIGN".equals(targetKind)) {
            // a campaign case records the finding; sanctions go through each account's own case, with its own notice
            throw Refusal.invalid(action + " cannot apply to a campaign; decide it with NO_ACTION and act on the member accounts' cases");
        }
        if (accountAction && owner == null) {
            throw Refusal.invalid(action + " needs the account behind the content, which this case does not know");
        }
        String category = c.getString("category");
        // automated detection is a fact of the case, not the moderator's say; the decision itself is human here
        boolean automatedDetection = "AUTOMATED".equals(c.getString("source")) || c.getBuffer("machine_verdict") != null;
        StatementOfReasons given = request.getStatement();
        StatementOfReasons statement = given.toBuilder()
                .setGroundType(given.getGroundType().isEmpty() ? settings.category(category).groundType() : given.getGroundType())
                .setCategory(given.getCategory().isEmpty() ? category : given.getCategory())
                .setAutomatedDetection(automatedDetection).setAutomatedDecision(false)
                .setRedress(given.getRedress().isEmpty() ? settings.redress() : given.getRedress()).build();
        UUID decisionId = UUID.randomUUID();
        UUID caseId = c.getUUID("case_id");
        return conn.preparedQuery("""
                insert into decision (decision_id, case_id, action, suspension_seconds, affected_account, target_kind, target_id,
                    category, source, statement, automated_detection, automated_decision, decided_by, decided_at, case_created_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false, $12, now(), $13)""")
                .execute(Tuple.from(new Object[] { decisionId, caseId, action.name(), request.getSuspensionSeconds(), owner, targetKind,
                        c.getString("target_id"), category, c.getString("source"), DecisionRows.json(statement), automatedDetection,
                        moderator, c.getOffsetDateTime("created_at") }))
                .chain(() -> conn.preparedQuery("update report_case set state = 'DECIDED', decided_at = now(), version = version + 1 where case_id = $1")
                        .execute(Tuple.of(caseId)))
                .chain(() -> enforce(conn, ctx, c, action, request.getSuspensionSeconds(), decisionId, statement))
                .call(escalated -> escalated == null ? Uni.createFrom().voidItem()
                        : conn.preparedQuery("update decision set escalated_to = $2 where decision_id = $1")
                                .execute(Tuple.of(decisionId, escalated.name())))
                // rows in a fixed order: two decisions sharing reporters then lock them in the same order (no deadlock)
                .call(() -> conn.preparedQuery("""
                        insert into reporter_record (reporter, upheld, rejected)
                        select reporter, $2, $3 from report where case_id = $1 order by reporter
                        on conflict (reporter) do update set upheld = reporter_record.upheld + excluded.upheld,
                            rejected = reporter_record.rejected + excluded.rejected""")
                        .execute(Tuple.of(caseId, action == Action.NO_ACTION ? 0 : 1, action == Action.NO_ACTION ? 1 : 0)))
                .call(escalated -> tellEveryone(conn, c, action, escalated, request.getSuspensionSeconds(), decisionId, statement))
                .call(escalated -> platform.decided(conn, c, decisionId, action, escalated, request.getSuspensionSeconds(),
                        settings.strikes().suspension().toSeconds(), statement))
                .call(escalated -> outbox.audit(conn, ctx, owner, "case.decided", caseId.toString(),
                        action == Action.NO_ACTION ? Decision.ALLOW : Decision.BLOCK, statement.getGround(),
                        // the account is the event's own account id, never an attribute: erasure replaces only that one
                        Map.of("action", action.name(), "decision_id", decisionId.toString(),
                                "escalated_to", escalated == null ? "" : escalated.name(), "category", category,
                                "automated_detection", Boolean.toString(automatedDetection))))
                // the human judgement labels the prompt or content (and resolves the owner's dispute, if any)
                .call(() -> labels.decided(conn, c, decisionId, action, statement, moderator))
                // quality assurance: a deterministic share of decisions is reviewed again, blind (docs/moderator-care.md)
                .call(() -> secondReview.afterDecision(conn, caseId, decisionId, c.getString("queue")))
                .chain(() -> conn.preparedQuery("select * from decision where decision_id = $1").execute(Tuple.of(decisionId)))
                .map(rows -> DecisionRows.record(rows.iterator().next()));
    }

    /** Returns the action a strike escalated to, or null. */
    private Uni<Action> enforce(SqlConnection conn, RequestContext ctx, Row c, Action action, long suspensionSeconds, UUID decisionId,
            StatementOfReasons statement) {
        String owner = c.getString("owner_account");
        String caseId = c.getUUID("case_id").toString();
        String reason = statement.getGround();
        return switch (action) {
            case REMOVE_CONTENT, AGE_RESTRICT -> setContent(conn, c.getString("target_id"),
                    action == Action.REMOVE_CONTENT ? "REMOVED" : "AGE_RESTRICTED", decisionId).replaceWith((Action) null);
            case SUSPEND_ACCOUNT -> outbox.sanction(conn, sanction(ctx, owner, SanctionKind.SUSPEND, suspensionSeconds, reason, caseId))
                    .replaceWith((Action) null);
            case BAN_ACCOUNT -> outbox.sanction(conn, sanction(ctx, owner, SanctionKind.BAN, 0, reason, caseId)).replaceWith((Action) null);
            case STRIKE -> strike(conn, ctx, owner, decisionId, caseId, reason);
            // recorded too, so a job held for this review sees the answer; never un-removes content removed earlier
            case NO_ACTION -> conn.preparedQuery("""
                    insert into content_status (target_id, status, decision_id, updated_at) values ($1, 'VISIBLE', $2, now())
                    on conflict (target_id) do update set decision_id = excluded.decision_id, updated_at = now()
                    where content_status.status = 'VISIBLE'""")
                    .execute(Tuple.of(c.getString("target_id"), decisionId)).replaceWith((Action) null);
            default -> Uni.createFrom().nullItem();
        };
    }

    private Uni<Action> strike(SqlConnection conn, RequestContext ctx, String owner, UUID decisionId, String caseId, String reason) {
        ReportSettings.Strikes rule = settings.strikes();
        return conn.preparedQuery("insert into strike (strike_id, account, decision_id, created_at) values ($1, $2, $3, now())")
                .execute(Tuple.of(UUID.randomUUID(), owner, decisionId))
                .chain(() -> conn.preparedQuery("""
                        select count(*) as n from strike where account = $1 and not reversed
                          and created_at > now() - make_interval(secs => $2)""")
                        .execute(Tuple.of(owner, (double) rule.window().toSeconds())))
                .chain(rows -> {
                    long strikes = rows.iterator().next().getLong("n");
                    if (strikes < rule.threshold()) {
                        return Uni.createFrom().nullItem();
                    }
                    String why = strikes + " strikes within " + rule.window().toDays() + " days (latest: " + reason + ")";
                    return outbox.sanction(conn, sanction(ctx, owner, SanctionKind.SUSPEND, rule.suspension().toSeconds(), why, caseId))
                            .replaceWith(Action.SUSPEND_ACCOUNT);
                });
    }

    static SanctionRequest sanction(RequestContext ctx, String account, SanctionKind kind, long seconds, String reason, String caseId) {
        return SanctionRequest.newBuilder().setContext(ctx).setAccountId(account).setKind(kind).setDurationSeconds(seconds)
                .setReason(reason).setCaseId(caseId).build();
    }

    public static Uni<Void> setContent(SqlConnection conn, String targetId, String status, UUID decisionId) {
        return conn.preparedQuery("""
                insert into content_status (target_id, status, decision_id, updated_at) values ($1, $2, $3, now())
                on conflict (target_id) do update set status = excluded.status, decision_id = excluded.decision_id, updated_at = now()""")
                .execute(Tuple.of(targetId, status, decisionId)).replaceWithVoid();
    }

    private Uni<Void> tellEveryone(SqlConnection conn, Row c, Action action, Action escalated, long suspensionSeconds, UUID decisionId,
            StatementOfReasons statement) {
        UUID caseId = c.getUUID("case_id");
        String owner = c.getString("owner_account");
        JsonObject outcome = new JsonObject().put("case_id", caseId.toString()).put("decision_id", decisionId.toString())
                .put("outcome", action == Action.NO_ACTION ? "No action was taken: we found no violation." : "Action was taken: " + action.name())
                .put("redress", statement.getRedress());
        Uni<Void> reporters = notices.tellReporters(conn, caseId, decisionId, "Outcome of your report", outcome);
        if (action == Action.NO_ACTION || owner == null) {
            return reporters;
        }
        JsonObject sor = DecisionRows.json(statement).put("action", action.name()).put("decision_id", decisionId.toString())
                .put("case_id", caseId.toString()).put("target", c.getString("target_kind") + ":" + c.getString("target_id"))
                .put("appeal", "POST /v1/appeals {\"decisionId\":\"" + decisionId + "\"}");
        if (suspensionSeconds > 0) {
            sor.put("suspension", Duration.ofSeconds(suspensionSeconds).toString());
        }
        if (escalated != null) {
            sor.put("escalated_to", escalated.name()).put("suspension", settings.strikes().suspension().toString());
        }
        return reporters.chain(() -> notices.tell(conn, owner, "DECISION", caseId, decisionId, null, title(action, escalated), sor));
    }

    private static String title(Action action, Action escalated) {
        String base = switch (action) {
            case REMOVE_CONTENT -> "Your content was removed";
            case AGE_RESTRICT -> "Your content was age-restricted";
            case STRIKE -> "Your account received a strike";
            case SUSPEND_ACCOUNT -> "Your account was suspended";
            case BAN_ACCOUNT -> "Your account was banned";
            default -> "A decision about your account";
        };
        return escalated == null ? base : base + "; with it your account was suspended";
    }
}
