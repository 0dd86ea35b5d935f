package io.safeframe.report.qa;

import java.util.Map;
import java.util.TreeMap;

import io.safeframe.api.v1.QaAgreementReport;
import io.safeframe.api.v1.QaAgreementRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The QA figures for admins: over every double-reviewed case, raw agreement and Cohen's kappa overall, and per
 * moderator (each case counts for both its first decider and its second reviewer) and per queue the number of
 * double-reviewed cases and raw agreement. Actions are compared, not suspension lengths or statement texts.
 */
@ApplicationScoped
public class AgreementFigures {

    private final Pool pool;

    public AgreementFigures(Pool pool) {
        this.pool = pool;
    }

    public Uni<QaAgreementReport> report() {
        // grouped in SQL: one row per (first decider, reviewer, queue, first action, second action)
        Uni<QaAgreementReport.Builder> pairs = pool.query("""
                select d.decided_by, q.second_moderator, q.queue, d.action as first_action, q.second_action, count(*) as n
                from qa_review q join decision d on d.decision_id = q.decision_id
                where q.state = 'REVIEWED'
                group by 1, 2, 3, 4, 5""").execute()
                .map(rows -> {
                    Agreement overall = new Agreement();
                    Map<String, Agreement> moderators = new TreeMap<>();
                    Map<String, Agreement> queues = new TreeMap<>();
                    for (Row r : rows) {
                        String a = r.getString("first_action");
                        String b = r.getString("second_action");
                        long n = r.getLong("n");
                        overall.add(a, b, n);
                        moderators.computeIfAbsent(r.getString("decided_by"), k -> new Agreement()).add(a, b, n);
                        moderators.computeIfAbsent(r.getString("second_moderator"), k -> new Agreement()).add(a, b, n);
                        queues.computeIfAbsent(r.getString("queue"), k -> new Agreement()).add(a, b, n);
                    }
                    QaAgreementReport.Builder out = QaAgreementReport.newBuilder()
                            .setDoubleReviewed((int) overall.pairs()).setAgreed((int) overall.agreed())
                            .setRawAgreement(overall.observed()).setExpectedAgreement(overall.expected())
                            .setKappaDefined(overall.kappaDefined()).setKappa(overall.kappaDefined() ? overall.kappa() : 0);
                    moderators.forEach((k, v) -> out.addModerators(row(k, v)));
                    queues.forEach((k, v) -> out.addQueues(row(k, v)));
                    return out;
                });
        return pairs.chain(out -> pool.query("select count(*) as sampled, count(*) filter (where state <> 'REVIEWED') as waiting from qa_review")
                .execute().map(rows -> {
                    Row r = rows.iterator().next();
                    return out.setSampled(r.getLong("sampled").intValue()).setWaiting(r.getLong("waiting").intValue()).build();
                }));
    }

    private static QaAgreementRow row(String key, Agreement a) {
        return QaAgreementRow.newBuilder().setKey(key).setDoubleReviewed((int) a.pairs()).setAgreed((int) a.agreed())
                .setRawAgreement(a.observed()).build();
    }
}
