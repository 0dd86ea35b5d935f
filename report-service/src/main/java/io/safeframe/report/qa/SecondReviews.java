package io.safeframe.report.qa;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.QaClaimRequest;
import io.safeframe.api.v1.QaReview;
import io.safeframe.api.v1.QaReviewRequest;
import io.safeframe.report.Refusal;
import io.safeframe.report.config.ReportSettings;
import io.safeframe.report.conflict.ConflictOfInterest;
import io.safeframe.report.queue.CaseIds;
import io.safeframe.report.queue.CaseQueue;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The blind second review: a moderator other than the first decider claims a sampled case from the QA queue and
 * records the action they would have taken, without seeing the first decision. It is a measurement, so it writes only
 * its own qa_review row: no decision, enforcement, notice, webhook, label or audit event (it changes nothing about an
 * account or its content; the row itself records who reviewed what, when).
 */
@ApplicationScoped
public class SecondReviews {

    private final Pool pool;
    private final ReportSettings settings;
    private final CaseQueue queue;

    public SecondReviews(Pool pool, ReportSettings settings, CaseQueue queue) {
        this.pool = pool;
        this.settings = settings;
        this.queue = queue;
    }

    /**
     * The oldest waiting second review the actor may take: never one they decided, never one they have a stake in
     * (the same separation of duties as the moderation queues). A lease, like a case claim: an abandoned one comes back.
     */
    public Uni<CaseDetail> claim(QaClaimRequest request) {
        String reviewer = Refusal.requireText(request.getContext().getActor(), "moderator (context.actor)", 200);
        String queueName = request.getQueue();
        if (!queueName.isEmpty() && settings.category(queueName) == null) {
            throw Refusal.invalid("unknown queue '" + queueName + "'");
        }
        Duration lease = request.getLeaseSeconds() == 0 ? settings.defaultLease() : Duration.ofSeconds(request.getLeaseSeconds());
        if (lease.isNegative() || lease.isZero() || lease.compareTo(settings.maxLease()) > 0) {
            throw Refusal.invalid("lease_seconds must be between 1 and " + settings.maxLease().toSeconds());
        }
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update qa_review q set state = 'CLAIMED', claimed_by = $2, lease_until = now() + make_interval(secs => $3)
                where q.case_id = (
                    select w.case_id from qa_review w
                    join decision d on d.decision_id = w.decision_id
                    join report_case k on k.case_id = w.case_id
                    where w.state <> 'REVIEWED' and (w.state = 'OPEN' or w.lease_until < now())
                      and ($1 = '' or w.queue = $1) and d.decided_by <> $2 and %s
                    order by w.sampled_at, w.case_id
                    limit 1 for update of w skip locked)
                returning q.case_id, q.lease_until""".formatted(ConflictOfInterest.noStake("k", 2)))
                .execute(Tuple.of(queueName, reviewer, (double) lease.toSeconds())))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(Refusal.notFound("no second review waiting for you"
                                + (queueName.isEmpty() ? "" : " in queue " + queueName)));
                    }
                    Row r = rows.iterator().next();
                    return blindView(r.getUUID("case_id"), reviewer, CaseRows.text(r.getOffsetDateTime("lease_until")));
                });
    }

    /**
     * GetCase for the holder of a live second-review claim on that case: the blind view too, so the decision is not
     * one request away. Everyone else gets the case as it is.
     */
    public Uni<CaseDetail> forViewer(String actor, CaseDetail detail) {
        if (actor == null || actor.isEmpty() || !"DECIDED".equals(detail.getRef().getState())) {
            return Uni.createFrom().item(detail);
        }
        return pool.preparedQuery("select lease_until from qa_review where case_id = $1 and state = 'CLAIMED' and claimed_by = $2 and lease_until >= now()")
                .execute(Tuple.of(UUID.fromString(detail.getRef().getCaseId()), actor))
                .chain(rows -> rows.iterator().hasNext()
                        ? blindView(UUID.fromString(detail.getRef().getCaseId()), actor, CaseRows.text(rows.iterator().next().getOffsetDateTime("lease_until")))
                        : Uni.createFrom().item(detail));
    }

    /**
     * The case as the first moderator saw it before deciding: no decision, no first moderator (claimed_by is the
     * reviewer's claim), no strike that decision added, no later decisions in the account history.
     */
    private Uni<CaseDetail> blindView(UUID caseId, String reviewer, String leaseUntil) {
        return queue.get(caseId.toString()).chain(detail -> pool.preparedQuery("""
                select d.decided_at,
                       (select count(*) from strike s where s.decision_id = d.decision_id and not s.reversed
                          and s.created_at > now() - make_interval(secs => $2)) as own_strikes
                from decision d where d.case_id = $1""")
                .execute(Tuple.of(caseId, (double) settings.strikes().window().toSeconds()))
                .map(rows -> {
                    Row d = rows.iterator().next();
                    Instant decidedAt = d.getOffsetDateTime("decided_at").toInstant();
                    CaseDetail.Builder b = detail.toBuilder().clearDecision().setClaimedBy(reviewer).setLeaseUntil(leaseUntil)
                            .setActiveStrikes((int) Math.max(0, detail.getActiveStrikes() - d.getLong("own_strikes")))
                            .clearAccountHistory();
                    detail.getAccountHistoryList().stream()
                            .filter(h -> !h.getCaseId().equals(caseId.toString()) && Instant.parse(h.getDecidedAt()).isBefore(decidedAt))
                            .forEach(b::addAccountHistory);
                    b.setRef(b.getRef().toBuilder().setState("QA_REVIEW"));
                    return b.build();
                }));
    }

    /** Records the reviewer's own action. Only the holder of a live QA claim, never the first decider, once. */
    public Uni<QaReview> record(QaReviewRequest request) {
        String reviewer = Refusal.requireText(request.getContext().getActor(), "moderator (context.actor)", 200);
        UUID caseId = CaseIds.parse(request.getCaseId());
        Action action = request.getAction();
        if (action == Action.ACTION_UNSPECIFIED || action == Action.UNRECOGNIZED) {
            throw Refusal.invalid("action must be one of NO_ACTION, REMOVE_CONTENT, AGE_RESTRICT, STRIKE, SUSPEND_ACCOUNT, BAN_ACCOUNT");
        }
        return pool.withTransaction(conn -> conn.preparedQuery("""
                select q.*, d.decided_by from qa_review q join decision d on d.decision_id = q.decision_id
                where q.case_id = $1 for update of q""")
                .execute(Tuple.of(caseId))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return conn.preparedQuery("select 1 from report_case where case_id = $1").execute(Tuple.of(caseId))
                                .chain(c -> Uni.createFrom().failure(c.iterator().hasNext()
                                        ? Refusal.notFound("case " + caseId + " was not sampled for a second review")
                                        : Refusal.notFound("no case " + caseId)));
                    }
                    Row q = rows.iterator().next();
                    if (reviewer.equals(q.getString("decided_by"))) {
                        return Uni.createFrom().failure(Refusal.forbidden(
                                "you decided case " + caseId + "; its second review must be another moderator's"));
                    }
                    if ("REVIEWED".equals(q.getString("state"))) {
                        return Uni.createFrom().failure(Refusal.conflict("case " + caseId + " already has its second review"));
                    }
                    if (!"CLAIMED".equals(q.getString("state")) || !reviewer.equals(q.getString("claimed_by"))) {
                        return Uni.createFrom().failure(Refusal.conflict("claim case " + caseId + " from the QA queue before reviewing it"));
                    }
                    if (q.getOffsetDateTime("lease_until").toInstant().isBefore(Instant.now())) {
                        return Uni.createFrom().failure(Refusal.conflict("your QA claim on case " + caseId + " expired; claim it again"));
                    }
                    return conn.preparedQuery("""
                            update qa_review set state = 'REVIEWED', second_moderator = $2, second_action = $3, reviewed_at = now(),
                                claimed_by = null, lease_until = null
                            where case_id = $1 returning *""")
                            .execute(Tuple.of(caseId, reviewer, action.name()))
                            .map(updated -> view(updated.iterator().next()));
                }));
    }

    private static QaReview view(Row r) {
        return QaReview.newBuilder().setCaseId(r.getUUID("case_id").toString()).setQueue(r.getString("queue"))
                .setAction(Action.valueOf(r.getString("second_action"))).setReviewedBy(r.getString("second_moderator"))
                .setReviewedAt(CaseRows.text(r.getOffsetDateTime("reviewed_at"))).build();
    }
}
