package io.safeframe.report.erasure;

import java.util.List;

import io.safeframe.api.v1.ErasedClass;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.KeptClass;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Erases one account in report-service (GDPR Art. 17, docs/retention.md#erasure), in one transaction. What the account
 * wrote, and what is kept about it for its own sake (notices, strikes, settings, labels, trend signals), is deleted;
 * the moderation record (cases, decisions, statements of reasons, appeal outcomes) stays for DSA transparency
 * reporting, without the account id and without anybody's free text about it. Idempotent: every step matches
 * nothing the second time.
 */
@ApplicationScoped
public class AccountErasure {

    /** Stands in for the account where a column may not be empty; never an account id (ids have no spaces). */
    static final String ERASED = "erased account";

    private record Step(String what, String sql) {
    }

    // Order matters: free text of cases about the account is emptied before the account is removed from those cases.
    private static final List<Step> STEPS = List.of(
            new Step("reports filed (with their explanations)", "delete from report where reporter = $1"),
            new Step("reporter record", "delete from reporter_record where reporter = $1"),
            new Step("others' explanations in reports about the account or its content", """
                    update report set explanation = '' where explanation <> '' and case_id in
                      (select case_id from report_case where owner_account = $1 or (target_kind = 'ACCOUNT' and target_id = $1))"""),
            new Step("prompts, machine verdicts and owner on cases", """
                    update report_case set owner_account = null, prompt_text = null, machine_verdict = null,
                           target_id = case when target_kind = 'ACCOUNT' and target_id = $1 then 'erased:' || case_id else target_id end
                    where owner_account = $1 or (target_kind = 'ACCOUNT' and target_id = $1)"""),
            new Step("the account on decisions", """
                    update decision set affected_account = null,
                           target_id = case when target_kind = 'ACCOUNT' and target_id = $1 then 'erased:' || decision_id else target_id end
                    where affected_account = $1 or (target_kind = 'ACCOUNT' and target_id = $1)"""),
            new Step("appeals filed (appellant and explanation)",
                    "update appeal set appellant = '" + ERASED + "', explanation = '' where appellant = $1"),
            new Step("strikes", "delete from strike where account = $1"),
            new Step("notices", "delete from notice where account = $1"),
            new Step("disputes", "delete from dispute where account = $1"),
            new Step("safety labels made from the account's prompts", "delete from safety_label where account = $1"),
            new Step("prompts offered for labelling", "delete from labelling_item where account = $1"),
            new Step("training-use setting", "delete from account_setting where account = $1"),
            new Step("trend observations", "delete from content_observation where account_id = $1"),
            new Step("first-seen record", "delete from account_first_seen where account_id = $1"),
            // a queued audit, sanction or lift naming the account would re-create what was erased once delivered
            new Step("queued messages to policy-service naming the account",
                    "delete from outbox where position(convert_to($1, 'UTF8') in payload) > 0"),
            new Step("the account in webhook events",
                    "update webhook_event set payload = replace(payload, $1, '" + ERASED + "') where position($1 in payload) > 0"));

    private final Pool pool;

    public AccountErasure(Pool pool) {
        this.pool = pool;
    }

    public Uni<ErasureResult> erase(String account) {
        return pool.withTransaction(conn -> run(conn, account, 0, ErasureResult.newBuilder().setService("report-service")))
                .map(out -> out
                        .addKept(KeptClass.newBuilder().setWhat("decisions and statements of reasons about the account's content")
                                .setWhy("the platform's moderation record for DSA transparency reports (Art. 15, 24); the account"
                                        + " id is removed from them and they hold the moderator's words, not the account's"))
                        .addKept(KeptClass.newBuilder().setWhat("the outcome of the account's appeals")
                                .setWhy("counted in transparency reports; the appellant and the explanation are removed"))
                        .addKept(KeptClass.newBuilder().setWhat("dataset snapshots already made")
                                .setWhy("immutable training-data versions; they hold pseudonyms and scrubbed prompts only"))
                        .build());
    }

    private static Uni<ErasureResult.Builder> run(SqlConnection conn, String account, int i, ErasureResult.Builder out) {
        if (i == STEPS.size()) {
            return Uni.createFrom().item(out);
        }
        Step step = STEPS.get(i);
        return conn.preparedQuery(step.sql()).execute(Tuple.of(account)).chain(rows -> {
            if (rows.rowCount() > 0) {
                out.addErased(ErasedClass.newBuilder().setWhat(step.what()).setCount(rows.rowCount()));
            }
            return run(conn, account, i + 1, out);
        });
    }
}
