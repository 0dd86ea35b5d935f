package io.safeframe.report.export;

import java.util.function.Consumer;
import java.util.function.Function;

import io.safeframe.api.v1.AccountRecords;
import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.CaseAboutAccount;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.FiledReport;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.report.appeal.Appeals;
import io.safeframe.report.decision.DecisionRows;
import io.safeframe.report.notice.Notices;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this service keeps about one account, for that account's own data export (GDPR Art. 15, 20). The rule
 * of what the account may see lives here: cases about it carry no reporter (DSA Art. 16 / GDPR Art. 15(4): the
 * reporter's identity is someone else's data), and moderators' names are left out of its decisions and appeals
 * (staff safety; the statement of reasons says what was decided and why, which is what Art. 17 DSA requires).
 * Every list is capped so one account with a long history cannot make one answer unbounded.
 */
@ApplicationScoped
public class AccountExport {

    /** Per list; the gateway states the cap in the export. */
    public static final int LIMIT = 500;

    private final Pool pool;

    public AccountExport(Pool pool) {
        this.pool = pool;
    }

    public Uni<AccountRecords> of(String account) {
        AccountRecords.Builder out = AccountRecords.newBuilder().setLimitPerList(LIMIT);
        return pool.withConnection(conn -> list(conn, out, "reports_filed", """
                select r.*, c.target_kind, c.target_id, c.state as case_state from report r join report_case c on c.case_id = r.case_id
                where r.reporter = $1 order by r.created_at desc, r.report_id limit $2""", account, AccountExport::filed,
                out::addReportsFiled)
                .chain(() -> list(conn, out, "cases_about_account", """
                        select * from report_case where owner_account = $1 or (target_kind = 'ACCOUNT' and target_id = $1)
                        order by created_at desc, case_id limit $2""", account, AccountExport::caseAbout, out::addCasesAboutAccount))
                .chain(() -> list(conn, out, "decisions", """
                        select * from decision where affected_account = $1 order by decided_at desc, decision_id limit $2""", account,
                        r -> withoutModerator(DecisionRows.record(r)), out::addDecisions))
                .chain(() -> list(conn, out, "appeals", """
                        select a.*, d.* from appeal a join decision d on d.decision_id = a.decision_id
                        where a.appellant = $1 order by a.filed_at desc, a.appeal_id limit $2""", account,
                        r -> withoutModerator(Appeals.record(r)), out::addAppeals))
                .chain(() -> list(conn, out, "notices", """
                        select * from notice where account = $1 order by created_at desc, notice_id limit $2""", account,
                        Notices::notice, out::addNotices))
                .chain(() -> list(conn, out, "sampled_for_labelling", """
                        select * from labelling_item where account = $1 order by offered_at desc, item_id limit $2""", account,
                        r -> io.safeframe.report.label.LabellingQueue.item(r).toBuilder().clearLabelledBy().build(),
                        out::addSampledForLabelling)))
                .map(done -> out.build());
    }

    /** Reads one more row than the cap, so a full list and a cut one can be told apart. */
    private static <T> Uni<Void> list(SqlConnection conn, AccountRecords.Builder out, String name, String sql, String account,
            Function<Row, T> map, Consumer<T> add) {
        return conn.preparedQuery(sql).execute(Tuple.of(account, LIMIT + 1)).map(rows -> {
            int n = 0;
            for (Row r : rows) {
                if (++n > LIMIT) {
                    out.addTruncated(name);
                    break;
                }
                add.accept(map.apply(r));
            }
            return null;
        });
    }

    private static FiledReport filed(Row r) {
        return FiledReport.newBuilder().setReportId(r.getUUID("report_id").toString()).setCaseId(r.getUUID("case_id").toString())
                .setTargetKind(TargetKind.valueOf(r.getString("target_kind"))).setTargetId(r.getString("target_id"))
                .setCategory(r.getString("category")).setExplanation(r.getString("explanation")).setAnonymous(r.getBoolean("anonymous"))
                .setTrustedFlagger(r.getBoolean("trusted_flagger")).setFiledAt(CaseRows.text(r.getOffsetDateTime("created_at")))
                .setCaseState(r.getString("case_state")).build();
    }

    private static CaseAboutAccount caseAbout(Row r) {
        return CaseAboutAccount.newBuilder().setCaseId(r.getUUID("case_id").toString())
                .setTargetKind(TargetKind.valueOf(r.getString("target_kind"))).setTargetId(r.getString("target_id"))
                .setCategory(r.getString("category")).setSource(r.getString("source")).setState(r.getString("state"))
                .setReportCount(r.getInteger("report_count")).setCreatedAt(CaseRows.text(r.getOffsetDateTime("created_at")))
                .setDecidedAt(CaseRows.text(r.getOffsetDateTime("decided_at"))).build();
    }

    private static DecisionRecord withoutModerator(DecisionRecord d) {
        return d.toBuilder().clearDecidedBy().build();
    }

    private static AppealRecord withoutModerator(AppealRecord a) {
        return a.toBuilder().clearResolvedBy().setDecision(withoutModerator(a.getDecision())).build();
    }
}
