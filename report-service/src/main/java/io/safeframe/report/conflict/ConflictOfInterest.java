package io.safeframe.report.conflict;

import java.util.Map;
import java.util.UUID;

import io.grpc.StatusRuntimeException;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.report.Refusal;
import io.safeframe.report.enforcement.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Separation of duties, in one place: nobody claims, decides or resolves an appeal on a case in which they have a
 * stake — the account the case is about (the owner of the content, or the account itself) or anyone who reported
 * it. Queues skip such cases (no claim-then-refuse); a direct attempt is refused with PERMISSION_DENIED and the
 * attempt is audited in its own transaction, so the refusal's rollback does not take the record with it.
 */
@ApplicationScoped
public class ConflictOfInterest {

    private final Pool pool;
    private final Outbox outbox;

    public ConflictOfInterest(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /**
     * An SQL condition, true when the actor (parameter {@code $actorParam}) has no stake in the case row
     * {@code alias}. Claims and the queue listing use it so a conflicted case is never offered.
     */
    public static String noStake(String alias, int actorParam) {
        String actor = "$" + actorParam;
        return "(coalesce(" + alias + ".owner_account, '') <> " + actor
                + " and not (" + alias + ".target_kind = 'ACCOUNT' and " + alias + ".target_id = " + actor + ")"
                + " and not exists (select 1 from report r where r.case_id = " + alias + ".case_id and r.reporter = " + actor + "))";
    }

    /** Why the actor may not act on the case, or null when they may. */
    public static Uni<String> stake(SqlClient conn, UUID caseId, String actor) {
        return conn.preparedQuery("""
                select coalesce(c.owner_account, '') = $2 or (c.target_kind = 'ACCOUNT' and c.target_id = $2) as affected,
                       exists (select 1 from report r where r.case_id = c.case_id and r.reporter = $2) as reporter
                from report_case c where c.case_id = $1""")
                .execute(Tuple.of(caseId, actor))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return null;
                    }
                    var row = rows.iterator().next();
                    if (row.getBoolean("affected")) {
                        return "the case is about your own account or content";
                    }
                    return row.getBoolean("reporter") ? "you reported this case" : null;
                });
    }

    /** Records the refused attempt, then fails with PERMISSION_DENIED naming the conflict. */
    public <T> Uni<T> refuse(RequestContext ctx, String what, String target, String why) {
        StatusRuntimeException refusal = Refusal.forbidden("you may not " + what + ": " + why + " (separation of duties)");
        return pool.withTransaction(conn -> outbox.audit(conn, ctx, null, "conflict_of_interest.refused", target, Decision.BLOCK,
                why, Map.of("attempted", what)))
                .onItemOrFailure().transformToUni((ok, auditFailure) -> Uni.createFrom().failure(refusal));
    }
}
