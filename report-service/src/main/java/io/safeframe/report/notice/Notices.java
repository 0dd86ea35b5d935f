package io.safeframe.report.notice;

import java.util.UUID;

import io.safeframe.api.v1.Notice;
import io.safeframe.api.v1.NoticeList;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What people are told: the affected account gets the statement of reasons (DSA Art. 17), reporters get the
 * outcome of their notice (Art. 16(5)), appellants the outcome of their complaint (Art. 20(5)). Written in
 * the same transaction as the decision, so nobody is sanctioned without being told.
 */
@ApplicationScoped
public class Notices {

    private final Pool pool;

    public Notices(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> tell(SqlConnection conn, String account, String kind, UUID caseId, UUID decisionId, UUID appealId, String title,
            JsonObject body) {
        return conn.preparedQuery("""
                insert into notice (notice_id, account, kind, case_id, decision_id, appeal_id, title, body, created_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, now())""")
                .execute(Tuple.from(new Object[] { UUID.randomUUID(), account, kind, caseId, decisionId, appealId, title, body }))
                .replaceWithVoid();
    }

    /** Every reporter of the case (anonymous ones too: they filed while logged in, only their name is hidden). */
    public Uni<Void> tellReporters(SqlConnection conn, UUID caseId, UUID decisionId, String title, JsonObject body) {
        return conn.preparedQuery("""
                insert into notice (notice_id, account, kind, case_id, decision_id, title, body, created_at)
                select gen_random_uuid(), reporter, 'REPORT_OUTCOME', case_id, $2, $3, $4, now() from report where case_id = $1""")
                .execute(Tuple.of(caseId, decisionId, title, body)).replaceWithVoid();
    }

    public Uni<NoticeList> of(String account) {
        return pool.preparedQuery("select * from notice where account = $1 order by created_at desc, notice_id limit 200")
                .execute(Tuple.of(account))
                .map(rows -> {
                    NoticeList.Builder out = NoticeList.newBuilder();
                    rows.forEach(r -> out.addNotices(notice(r)));
                    return out.build();
                });
    }

    public static Notice notice(Row r) {
        Notice.Builder n = Notice.newBuilder().setNoticeId(r.getUUID("notice_id").toString()).setKind(r.getString("kind"))
                .setTitle(r.getString("title")).setBodyJson(r.getJsonObject("body").encode())
                .setCreatedAt(CaseRows.text(r.getOffsetDateTime("created_at")));
        if (r.getUUID("case_id") != null) {
            n.setCaseId(r.getUUID("case_id").toString());
        }
        if (r.getUUID("decision_id") != null) {
            n.setDecisionId(r.getUUID("decision_id").toString());
        }
        if (r.getUUID("appeal_id") != null) {
            n.setAppealId(r.getUUID("appeal_id").toString());
        }
        return n.build();
    }
}
