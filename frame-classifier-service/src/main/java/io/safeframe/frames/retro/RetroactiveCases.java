package io.safeframe.frames.retro;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.MutinyReportServiceGrpc.MutinyReportServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns pending retroactive matches into moderation cases in report-service — never a silent removal: a moderator
 * decides, and the owner gets the usual statement of reasons and appeal. At most {@code cases-per-period} cases per
 * period over all replicas (one replica drains at a time, under a transaction-scoped advisory lock), oldest match
 * first, so a large bank import reaches the queues at a pace moderators can take. A match whose case could not be
 * opened stays pending and is tried again on the next run.
 */
@ApplicationScoped
public class RetroactiveCases {

    private static final Logger LOG = Logger.getLogger(RetroactiveCases.class);
    /** The advisory lock key of the drain ("retro" in ASCII). */
    private static final long DRAIN_LOCK = 0x726574726fL;
    public static final String SOURCE = "frame-classifier";

    private final Pool pool;
    private final RetroSettings settings;
    private final Counter opened;

    @GrpcClient("report")
    MutinyReportServiceStub report;

    public RetroactiveCases(Pool pool, RetroSettings settings, MeterRegistry registry) {
        this.pool = pool;
        this.settings = settings;
        this.opened = Counter.builder("safeframe.retroactive.cases").description("cases opened for retroactive bank matches")
                .register(registry);
    }

    @Scheduled(every = "${safeframe.retro.drain-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return drainOnce().onFailure().invoke(f -> LOG.warnf("retroactive cases not opened: %s", f.toString())).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One run: the number of cases opened. */
    public Uni<Integer> drainOnce() {
        return pool.withTransaction(conn -> conn.query("select pg_try_advisory_xact_lock(" + DRAIN_LOCK + ") as mine").execute()
                .chain(rows -> rows.iterator().next().getBoolean("mine") ? budget(conn) : Uni.createFrom().item(0))
                .chain(budget -> budget <= 0 ? Uni.createFrom().item(0) : pending(conn, budget)
                        .chain(matches -> open(conn, matches, 0, 0))));
    }

    private Uni<Integer> budget(SqlConnection conn) {
        return conn.preparedQuery("select count(*) as spent from retro_match where enqueued_at > now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) settings.period().toSeconds()))
                .map(rows -> settings.casesPerPeriod() - rows.iterator().next().getLong("spent").intValue());
    }

    private Uni<List<Row>> pending(SqlConnection conn, int limit) {
        return conn.preparedQuery("""
                select m.id, m.content_id, m.owner_account, m.bank, m.distance, m.frame_ms, h.label, b.category, b.decision
                from retro_match m join bank_hash h on h.id = m.bank_hash_id join hash_bank b on b.name = m.bank
                where m.enqueued_at is null order by m.id limit $1""").execute(Tuple.of(limit))
                .map(rows -> {
                    List<Row> out = new ArrayList<>();
                    rows.forEach(out::add);
                    return out;
                });
    }

    /** One case after the other; the first failure ends the run (report-service away: try again next run). */
    private Uni<Integer> open(SqlConnection conn, List<Row> matches, int index, int done) {
        if (index == matches.size()) {
            return Uni.createFrom().item(done);
        }
        Row match = matches.get(index);
        return report.enqueue(request(match))
                .chain(ref -> conn.preparedQuery("update retro_match set enqueued_at = now(), case_id = $2 where id = $1")
                        .execute(Tuple.of(match.getLong("id"), ref.getCaseId())))
                .invoke(ignored -> opened.increment())
                .chain(() -> open(conn, matches, index + 1, done + 1))
                .onFailure().recoverWithUni(f -> {
                    LOG.warnf("case for retroactive match %d not opened (%d opened this run): %s", match.getLong("id"), done, f.toString());
                    return Uni.createFrom().item(done);
                });
    }

    static EnqueueRequest request(Row match) {
        String bank = match.getString("bank");
        String reason = "published clip matches an entry added to hash bank " + bank + " after it was classified (Hamming distance "
                + match.getInteger("distance") + " at " + match.getLong("frame_ms") + " ms"
                + (match.getString("label").isBlank() ? "" : ", entry " + match.getString("label")) + ")";
        Verdict verdict = Verdict.newBuilder().setDecision(Decision.valueOf(match.getString("decision"))).setSource(SOURCE)
                .setRuleId("retroactive-bank:" + bank).setReason(reason)
                .addCategories(CategoryScore.newBuilder().setCategory(match.getString("category")).setScore(1.0)).build();
        return EnqueueRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setActor("frame-classifier-service").setCorrelationId("retro-" + match.getLong("id")))
                .setTarget(Target.newBuilder().setKind(TargetKind.CONTENT).setId(match.getString("content_id"))
                        .setOwnerAccountId(match.getString("owner_account")))
                .setMachineVerdict(verdict).build();
    }
}
