package io.safeframe.report.appeal;

import java.util.Map;
import java.util.UUID;

import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.AppealList;
import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.report.Refusal;
import io.safeframe.report.config.ReportSettings;
import io.safeframe.report.conflict.ConflictOfInterest;
import io.safeframe.report.decision.DecisionRows;
import io.safeframe.report.decision.Decisions;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.enforcement.OutboxRelay;
import io.safeframe.report.notice.Notices;
import io.safeframe.report.queue.CaseIds;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Internal complaint handling (DSA Art. 20): the affected account (or a reporter of the case) may appeal a
 * decision once, within the window; a moderator other than the decider resolves it. A reversal undoes the
 * decision's effects — the sanction is lifted, the strike no longer counts, the content is visible again.
 */
@ApplicationScoped
public class Appeals {

    private final Pool pool;
    private final ReportSettings settings;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Notices notices;
    private final ConflictOfInterest conflicts;
    private final io.safeframe.report.metrics.ModerationMetrics metrics;
    private final io.safeframe.report.webhook.PlatformEvents platform;
    private final io.safeframe.report.label.Labels labels;

    public Appeals(Pool pool, ReportSettings settings, Outbox outbox, OutboxRelay relay, Notices notices,
            ConflictOfInterest conflicts, io.safeframe.report.metrics.ModerationMetrics metrics,
            io.safeframe.report.webhook.PlatformEvents platform, io.safeframe.report.label.Labels labels) {
        this.labels = labels;
        this.platform = platform;
        this.pool = pool;
        this.settings = settings;
        this.outbox = outbox;
        this.relay = relay;
        this.notices = notices;
        this.conflicts = conflicts;
        this.metrics = metrics;
    }

    public Uni<AppealRecord> file(AppealRequest request) {
        RequestContext ctx = request.getContext();
        String appellant = Refusal.requireText(ctx.getActor(), "appellant (context.actor)", 200);
        UUID decisionId = CaseIds.parse(request.getDecisionId(), "decision_id");
        String explanation = Refusal.requireText(request.getExplanation(), "explanation", 5000);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                select d.*, now() - d.decided_at > make_interval(secs => $2) as window_closed,
                       exists (select 1 from report r where r.case_id = d.case_id and r.reporter = $3) as is_reporter
                from decision d where d.decision_id = $1 for update""")
                .execute(Tuple.of(decisionId, (double) settings.appealWindow().toSeconds(), appellant))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(Refusal.notFound("no decision " + decisionId));
                    }
                    Row d = rows.iterator().next();
                    if (!appellant.equals(d.getString("affected_account")) && !d.getBoolean("is_reporter")) {
                        // indistinguishable from a missing decision: nobody learns about decisions on others
                        return Uni.createFrom().failure(Refusal.notFound("no decision " + decisionId));
                    }
                    if (d.getBoolean("window_closed")) {
                        return Uni.createFrom().failure(Refusal.conflict("the appeal window of " + settings.appealWindow().toDays()
                                + " days after the decision (" + CaseRows.text(d.getOffsetDateTime("decided_at")) + ") has closed"));
                    }
                    UUID appealId = UUID.randomUUID();
                    return conn.preparedQuery("""
                            insert into appeal (appeal_id, decision_id, appellant, explanation, state, filed_at)
                            values ($1, $2, $3, $4, 'PENDING', now()) on conflict (decision_id) do nothing""")
                            .execute(Tuple.of(appealId, decisionId, appellant, explanation))
                            .chain(inserted -> inserted.rowCount() == 0
                                    ? Uni.createFrom().failure(Refusal.duplicate("decision " + decisionId + " has already been appealed; a decision can be appealed once"))
                                    : notices.tell(conn, appellant, "APPEAL_FILED", d.getUUID("case_id"), decisionId, appealId,
                                            "We received your appeal", new JsonObject().put("appeal_id", appealId.toString())
                                                    .put("decision_id", decisionId.toString())
                                                    .put("next", "A moderator who did not take the decision will review it.")))
                            .chain(() -> outbox.audit(conn, ctx, d.getString("affected_account"), "appeal.filed", decisionId.toString(), Decision.REVIEW, "appeal filed",
                                    Map.of("appeal_id", appealId.toString(), "case_id", d.getUUID("case_id").toString())))
                            .chain(() -> load(conn, appealId));
                }));
    }

    public Uni<AppealRecord> resolve(ResolveAppealRequest request) {
        RequestContext ctx = request.getContext();
        String moderator = Refusal.requireText(ctx.getActor(), "moderator (context.actor)", 200);
        UUID appealId = CaseIds.parse(request.getAppealId(), "appeal_id");
        String reason = Refusal.requireText(request.getReason(), "reason", 5000);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                select a.state, a.appellant, d.* from appeal a join decision d on d.decision_id = a.decision_id
                where a.appeal_id = $1 for update of a""").execute(Tuple.of(appealId))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(Refusal.notFound("no appeal " + appealId));
                    }
                    Row d = rows.iterator().next();
                    if (!"PENDING".equals(d.getString("state"))) {
                        return Uni.createFrom().failure(Refusal.conflict("appeal " + appealId + " is already " + d.getString("state")));
                    }
                    if (moderator.equals(d.getString("decided_by"))) {
                        return Uni.createFrom().failure(Refusal.forbidden(
                                "you took the decision under appeal; a different moderator must review it (DSA Art. 20(6))"));
                    }
                    return (moderator.equals(d.getString("appellant")) ? Uni.createFrom().item("you filed this appeal")
                            : ConflictOfInterest.stake(conn, d.getUUID("case_id"), moderator))
                            .chain(stake -> stake != null
                                    ? conflicts.<AppealRecord>refuse(ctx, "resolve appeal " + appealId, appealId.toString(), stake)
                                    : settle(conn, ctx, request, d, appealId, moderator, reason));
                }))
                // counted once committed: a refused or rolled-back resolution is not one
                .invoke(a -> metrics.appealResolved(request.getReverse()))
                .call(relay::deliverSoon);
    }

    private Uni<AppealRecord> settle(SqlConnection conn, RequestContext ctx, ResolveAppealRequest request, Row d, UUID appealId,
            String moderator, String reason) {
        String outcome = request.getReverse() ? "REVERSED" : "UPHELD";
        return conn.preparedQuery("""
                update appeal set state = $2, resolved_by = $3, resolved_at = now(), resolution_reason = $4 where appeal_id = $1""")
                .execute(Tuple.of(appealId, outcome, moderator, reason))
                .chain(() -> request.getReverse() ? undo(conn, ctx, d, reason) : Uni.createFrom().voidItem())
                .chain(() -> notices.tell(conn, d.getString("appellant"), "APPEAL_OUTCOME", d.getUUID("case_id"),
                        d.getUUID("decision_id"), appealId,
                        request.getReverse() ? "Your appeal succeeded: the decision was reversed" : "Your appeal was not upheld",
                        new JsonObject().put("appeal_id", appealId.toString()).put("outcome", outcome).put("reason", reason)
                                .put("redress", request.getReverse() ? "" : "You may use an out-of-court dispute settlement body (DSA Art. 21) or the courts.")))
                .chain(() -> platform.appealResolved(conn, d, appealId, request.getReverse(), sanctioned(d), reason))
                .chain(() -> labels.appealResolved(conn, d, appealId, request.getReverse(), reason, moderator))
                .chain(() -> outbox.audit(conn, ctx, d.getString("affected_account"), "appeal.resolved", d.getUUID("decision_id").toString(),
                        request.getReverse() ? Decision.ALLOW : Decision.BLOCK, reason,
                        // the account is the event's own account id, never an attribute: erasure replaces only that one
                        Map.of("appeal_id", appealId.toString(), "outcome", outcome)))
                .chain(() -> load(conn, appealId));
    }

    /** Whether the decision put a sanction on the account (itself, or a strike that escalated): a reversal lifts it. */
    private static boolean sanctioned(Row d) {
        Action action = Action.valueOf(d.getString("action"));
        return action == Action.SUSPEND_ACCOUNT || action == Action.BAN_ACCOUNT || d.getString("escalated_to") != null;
    }

    /** A reversal takes back every effect of the decision. */
    private Uni<Void> undo(SqlConnection conn, RequestContext ctx, Row d, String reason) {
        Action action = Action.valueOf(d.getString("action"));
        String account = d.getString("affected_account");
        UUID decisionId = d.getUUID("decision_id");
        boolean sanctioned = sanctioned(d);
        Uni<Void> strike = conn.preparedQuery("update strike set reversed = true where decision_id = $1").execute(Tuple.of(decisionId))
                .replaceWithVoid();
        Uni<Void> content = action == Action.REMOVE_CONTENT || action == Action.AGE_RESTRICT
                ? Decisions.setContent(conn, d.getString("target_id"), "VISIBLE", decisionId)
                : Uni.createFrom().voidItem();
        Uni<Void> lift = sanctioned ? outbox.lift(conn, LiftSanctionRequest.newBuilder().setContext(ctx).setAccountId(account)
                .setReason("appeal upheld, decision reversed: " + reason).setCaseId(d.getUUID("case_id").toString()).build())
                : Uni.createFrom().voidItem();
        return strike.chain(() -> content).chain(() -> lift);
    }

    public Uni<AppealList> pending() {
        return pool.withConnection(conn -> conn.query("""
                select a.*, d.* from appeal a join decision d on d.decision_id = a.decision_id
                where a.state = 'PENDING' order by a.filed_at limit 200""").execute()
                .map(rows -> {
                    AppealList.Builder out = AppealList.newBuilder();
                    rows.forEach(r -> out.addAppeals(record(r)));
                    return out.build();
                }));
    }

    private static Uni<AppealRecord> load(SqlConnection conn, UUID appealId) {
        return conn.preparedQuery("select a.*, d.* from appeal a join decision d on d.decision_id = a.decision_id where a.appeal_id = $1")
                .execute(Tuple.of(appealId)).map(rows -> record(rows.iterator().next()));
    }

    /** An appeal row joined with its decision row. */
    public static AppealRecord record(Row r) {
        AppealRecord.Builder b = AppealRecord.newBuilder().setAppealId(r.getUUID("appeal_id").toString())
                .setDecisionId(r.getUUID("decision_id").toString()).setState(r.getString("state"))
                .setFiledAt(CaseRows.text(r.getOffsetDateTime("filed_at"))).setExplanation(r.getString("explanation"))
                .setDecision(DecisionRows.record(r));
        if (r.getString("resolved_by") != null) {
            b.setResolvedBy(r.getString("resolved_by")).setResolutionReason(r.getString("resolution_reason"));
        }
        return b.build();
    }
}
