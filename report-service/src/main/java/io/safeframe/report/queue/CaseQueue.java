package io.safeframe.report.queue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseList;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.QueueList;
import io.safeframe.api.v1.QueueSummary;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.report.Refusal;
import io.safeframe.report.config.ReportSettings;
import io.safeframe.report.conflict.ConflictOfInterest;
import io.safeframe.report.decision.DecisionRows;
import io.safeframe.report.enforcement.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Moderator work queues. A claim is one UPDATE over a sub-select with {@code FOR UPDATE SKIP LOCKED}: concurrent
 * moderators never wait on each other and never get the same case. A claim is a lease; a case whose lease ran
 * out (the moderator left, crashed, lost the network) is claimable again, so no case is lost.
 */
@ApplicationScoped
public class CaseQueue {

    private final Pool pool;
    private final ReportSettings settings;
    private final Outbox outbox;

    public CaseQueue(Pool pool, ReportSettings settings, Outbox outbox) {
        this.pool = pool;
        this.settings = settings;
        this.outbox = outbox;
    }

    public Uni<CaseDetail> claimNext(RequestContext ctx, String queue, int leaseSeconds, boolean likenessTakedownsOnly) {
        String moderator = Refusal.requireText(ctx.getActor(), "moderator (context.actor)", 200);
        if (!queue.isEmpty() && settings.category(queue) == null) {
            throw Refusal.invalid("unknown queue '" + queue + "'");
        }
        Duration lease = leaseSeconds == 0 ? settings.defaultLease() : Duration.ofSeconds(leaseSeconds);
        if (lease.isNegative() || lease.isZero() || lease.compareTo(settings.maxLease()) > 0) {
            throw Refusal.invalid("lease_seconds must be between 1 and " + settings.maxLease().toSeconds());
        }
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update report_case c set state = 'CLAIMED', claimed_by = $2, lease_until = now() + make_interval(secs => $3),
                    claim_count = claim_count + 1, version = version + 1
                where c.case_id = (
                    select case_id from report_case k
                    where state <> 'DECIDED' and ($1 = '' or queue = $1)
                      and (state = 'OPEN' or lease_until < now())
                      and (not $5 or likeness_takedown)
                      and %s
                    order by %s desc, created_at
                    limit 1 for update skip locked)
                returning *""".formatted(ConflictOfInterest.noStake("k", 2), effectivePriority(4)))
                .execute(Tuple.of(queue, moderator, (double) lease.toSeconds(), settings.agePriorityPerHour(), likenessTakedownsOnly))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(Refusal.notFound("no " + (likenessTakedownsOnly ? "likeness takedown " : "") + "case waiting"
                                + (queue.isEmpty() ? "" : " in queue " + queue)));
                    }
                    Row row = rows.iterator().next();
                    return outbox.audit(conn, ctx, null, "case.claimed", row.getUUID("case_id").toString(), Decision.REVIEW, "claimed",
                            Map.of("lease_seconds", Long.toString(lease.toSeconds()), "claim", Integer.toString(row.getInteger("claim_count"))))
                            .chain(() -> complete(conn, row));
                }));
    }

    /**
     * Claims one named case for its actor with the default lease (a bulk decision over cases the moderator chose): a
     * case that is not decided and is open, has an expired lease or is already the actor's; never one the actor has a
     * stake in (the same conflict-of-interest rule as claim-next).
     */
    public Uni<CaseDetail> claim(RequestContext ctx, String caseId) {
        String moderator = Refusal.requireText(ctx.getActor(), "moderator (context.actor)", 200);
        UUID id = CaseIds.parse(caseId);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update report_case k set state = 'CLAIMED', claimed_by = $2, lease_until = now() + make_interval(secs => $3),
                    claim_count = claim_count + 1, version = version + 1
                where k.case_id = $1 and k.state <> 'DECIDED' and (k.state = 'OPEN' or k.lease_until < now() or k.claimed_by = $2)
                  and %s
                returning *""".formatted(ConflictOfInterest.noStake("k", 2)))
                .execute(Tuple.of(id, moderator, (double) settings.defaultLease().toSeconds()))
                .chain(rows -> {
                    if (rows.iterator().hasNext()) {
                        Row row = rows.iterator().next();
                        return outbox.audit(conn, ctx, null, "case.claimed", caseId, Decision.REVIEW, "claimed by id",
                                Map.of("lease_seconds", Long.toString(settings.defaultLease().toSeconds()),
                                        "claim", Integer.toString(row.getInteger("claim_count"))))
                                .chain(() -> complete(conn, row));
                    }
                    // why not: the answer names the reason without revealing who holds it
                    return conn.preparedQuery("select state, lease_until > now() as leased from report_case where case_id = $1")
                            .execute(Tuple.of(id)).map(found -> {
                                if (!found.iterator().hasNext()) {
                                    throw Refusal.notFound("no case " + caseId);
                                }
                                Row r = found.iterator().next();
                                if ("DECIDED".equals(r.getString("state"))) {
                                    throw Refusal.conflict("case " + caseId + " is already decided");
                                }
                                if (Boolean.TRUE.equals(r.getBoolean("leased"))) {
                                    throw Refusal.conflict("case " + caseId + " is held by another moderator");
                                }
                                throw Refusal.forbidden("you may not decide case " + caseId + ": you have a stake in it");
                            });
                }));
    }

    /** Gives the case back before the lease ends; only its holder can. */
    public Uni<CaseRef> release(RequestContext ctx, String caseId) {
        UUID id = CaseIds.parse(caseId);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update report_case set state = 'OPEN', claimed_by = null, lease_until = null, version = version + 1
                where case_id = $1 and state = 'CLAIMED' and claimed_by = $2 returning *""")
                .execute(Tuple.of(id, ctx.getActor()))
                .chain(rows -> rows.iterator().hasNext()
                        ? outbox.audit(conn, ctx, null, "case.released", caseId, Decision.REVIEW, "released", Map.of())
                                .replaceWith(CaseRows.ref(rows.iterator().next(), false))
                        : Uni.createFrom().failure(Refusal.conflict("you do not hold a claim on case " + caseId))));
    }

    public Uni<CaseDetail> get(String caseId) {
        UUID id = CaseIds.parse(caseId);
        return pool.withConnection(conn -> conn.preparedQuery("select * from report_case where case_id = $1").execute(Tuple.of(id))
                .chain(rows -> rows.iterator().hasNext() ? complete(conn, rows.iterator().next())
                        : Uni.createFrom().failure(Refusal.notFound("no case " + caseId))));
    }

    public Uni<QueueList> queues() {
        return pool.query("""
                select queue, count(*) filter (where state = 'OPEN' or lease_until < now()) as open,
                       count(*) filter (where state = 'CLAIMED' and lease_until >= now()) as claimed,
                       count(*) filter (where sla_due_at < now()) as breached,
                       min(created_at) as oldest
                from report_case where state <> 'DECIDED' group by queue order by queue""").execute()
                .map(rows -> {
                    QueueList.Builder out = QueueList.newBuilder();
                    rows.forEach(r -> out.addQueues(QueueSummary.newBuilder().setQueue(r.getString("queue"))
                            .setOpen(r.getLong("open").intValue()).setClaimed(r.getLong("claimed").intValue())
                            .setSlaBreached(r.getLong("breached").intValue())
                            .setOldestOpenAt(CaseRows.text(r.getOffsetDateTime("oldest")))));
                    return out.build();
                });
    }

    /**
     * The priority a case has now: its own plus a bonus per hour of waiting, so nothing starves. Claims and the
     * listing order by the same expression; {@code bonusParam} is the position of the per-hour bonus parameter.
     */
    private static String effectivePriority(int bonusParam) {
        return "priority + $" + bonusParam + " * extract(epoch from now() - created_at) / 3600";
    }

    /**
     * Undecided cases in claim order: the same ordering and the same conflict-of-interest filter as
     * {@link #claimNext} for the asking moderator (none when the actor is empty), without taking anything.
     */
    public Uni<CaseList> list(RequestContext ctx, String queue, int limit, boolean likenessTakedownsOnly) {
        if (!queue.isEmpty() && settings.category(queue) == null) {
            throw Refusal.invalid("unknown queue '" + queue + "'");
        }
        if (limit < 0 || limit > 200) {
            throw Refusal.invalid("limit must be between 1 and 200 (0 for the default, 50)");
        }
        return pool.preparedQuery("""
                select *, %s as effective
                from report_case k where state <> 'DECIDED' and ($1 = '' or queue = $1) and ($4 = '' or %s)
                  and (not $5 or likeness_takedown)
                order by (state = 'OPEN' or lease_until < now()) desc, effective desc, created_at limit $3"""
                .formatted(effectivePriority(2), ConflictOfInterest.noStake("k", 4)))
                .execute(Tuple.of(queue, settings.agePriorityPerHour(), limit == 0 ? 50 : limit, ctx.getActor(), likenessTakedownsOnly))
                .map(rows -> {
                    CaseList.Builder out = CaseList.newBuilder();
                    rows.forEach(r -> {
                        CaseDetail.Builder c = CaseRows.detail(r);
                        c.setRef(c.getRef().toBuilder().setPriority(r.getDouble("effective")));
                        out.addCases(c);
                    });
                    return out.build();
                });
    }

    /** Adds the merged reports (anonymous reporters hidden), the account's history and the decision. */
    private Uni<CaseDetail> complete(SqlClient conn, Row row) {
        CaseDetail.Builder b = CaseRows.detail(row);
        UUID caseId = row.getUUID("case_id");
        String owner = row.getString("owner_account");
        Uni<Void> reports = conn.preparedQuery("""
                select r.*, coalesce(t.upheld, 0) as upheld, coalesce(t.rejected, 0) as rejected
                from report r left join reporter_record t on t.reporter = r.reporter
                where r.case_id = $1 order by r.created_at""").execute(Tuple.of(caseId))
                .invoke(rows -> rows.forEach(r -> b.addReports(CaseRows.report(r)
                        .setReporterTrust(r.getBoolean("trusted_flagger") ? 1.0 : Priority.trust(r.getInteger("upheld"), r.getInteger("rejected"))))))
                .replaceWithVoid();
        Uni<Void> history = owner == null ? Uni.createFrom().voidItem()
                : conn.preparedQuery("select * from decision where affected_account = $1 order by decided_at desc limit 50")
                        .execute(Tuple.of(owner))
                        .invoke(rows -> rows.forEach(r -> {
                            if (r.getUUID("case_id").equals(caseId)) {
                                b.setDecision(DecisionRows.record(r));
                            } else {
                                b.addAccountHistory(DecisionRows.record(r));
                            }
                        }))
                        .chain(() -> conn.preparedQuery("""
                                select count(*) as n from strike where account = $1 and not reversed
                                  and created_at > now() - make_interval(secs => $2)""")
                                .execute(Tuple.of(owner, (double) settings.strikes().window().toSeconds())))
                        .invoke(rows -> b.setActiveStrikes(rows.iterator().next().getLong("n").intValue()))
                        .replaceWithVoid();
        Uni<Void> decision = owner != null ? Uni.createFrom().voidItem()
                : conn.preparedQuery("select * from decision where case_id = $1").execute(Tuple.of(caseId))
                        .invoke(rows -> rows.forEach(r -> b.setDecision(DecisionRows.record(r)))).replaceWithVoid();
        // the owner's dispute of the machine verdict (docs/safety-data.md), so the moderator reads the owner's side
        Uni<Void> dispute = conn.preparedQuery("select reason from dispute where case_id = $1 order by created_at limit 1")
                .execute(Tuple.of(caseId))
                .invoke(rows -> rows.forEach(r -> b.setDisputed(true).setDisputeReason(r.getString("reason") == null ? "" : r.getString("reason"))))
                .replaceWithVoid();
        return reports.chain(() -> history).chain(() -> decision).chain(() -> dispute).map(v -> b.build());
    }
}
