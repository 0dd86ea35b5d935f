package io.safeframe.report.intake;

import java.util.ArrayList;
import java.util.List;

import io.safeframe.report.Refusal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Which published videos people reported: a report row exists only for a person's notice (a user or a trusted
 * flagger); machine REVIEW verdicts open cases without one. A canary arm's user-report rate is built on this.
 */
public final class ReportedContent {

    public static final int MAX_IDS = 10_000;

    private ReportedContent() {
    }

    public static Uni<List<String>> among(Pool pool, List<String> contentIds) {
        if (contentIds.size() > MAX_IDS) {
            throw Refusal.invalid("at most " + MAX_IDS + " content ids");
        }
        for (String id : contentIds) {
            Refusal.requireText(id, "content_ids", 200);
        }
        if (contentIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("select distinct c.target_id from report_case c where c.target_kind = 'CONTENT' "
                + "and c.target_id = any($1) and exists (select 1 from report r where r.case_id = c.case_id)")
                .execute(Tuple.of(contentIds.toArray(String[]::new))).map(rows -> {
                    List<String> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(r.getString("target_id"));
                    }
                    return out;
                });
    }
}
