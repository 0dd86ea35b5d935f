package io.safeframe.gateway.moderation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Moderator care: a flagged clip is shown blurred, grey and muted, and each reveal at full impact is recorded. In the
 * severest queues (configured) reveals count against a budget per moderator per shift; when it is spent, further
 * reveals are refused (429) until the oldest counted one leaves the shift window — the moderator can still decide
 * from the blurred clip, the verdict's evidence and the frames, or hand the case over. One transaction per reveal under
 * a per-moderator advisory lock, so two tabs cannot both take the last one.
 */
@ApplicationScoped
public class ExposureBudget {

    private final Pool pool;
    private final List<String> severeQueues;
    private final int budget;
    private final Duration shift;

    public ExposureBudget(Pool pool, @ConfigProperty(name = "safeframe.moderation.exposure.queues") List<String> severeQueues,
            @ConfigProperty(name = "safeframe.moderation.exposure.budget") int budget,
            @ConfigProperty(name = "safeframe.moderation.exposure.shift") Duration shift) {
        this.pool = pool;
        this.severeQueues = List.copyOf(severeQueues);
        this.budget = budget;
        this.shift = shift;
    }

    public Uni<Map<String, Object>> reveal(String moderator, String caseId, String queue) {
        boolean counted = severeQueues.contains(queue);
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock(hashtextextended($1, 0))")
                .execute(Tuple.of("exposure:" + moderator))
                .chain(() -> conn.preparedQuery("""
                        select count(*) as used from moderator_exposure
                        where moderator = $1 and counted and revealed_at > now() - make_interval(secs => $2)""")
                        .execute(Tuple.of(moderator, (double) shift.toSeconds())))
                .map(rows -> rows.iterator().next().getLong("used"))
                .chain(used -> {
                    if (counted && used >= budget) {
                        throw new ApiException(429, "exposure-budget", "Exposure budget for this shift reached",
                                "you have revealed " + used + " clips from the severest queues in the last " + shift.toHours()
                                        + " hours; decide from the blurred clip and the evidence, or hand the case to a colleague",
                                Map.of("budget", budget, "used", used));
                    }
                    return conn.preparedQuery("insert into moderator_exposure (moderator, case_id, queue, counted) values ($1, $2, $3, $4)")
                            .execute(Tuple.of(moderator, caseId, queue, counted))
                            .map(ignored -> {
                                Map<String, Object> out = new LinkedHashMap<>();
                                out.put("caseId", caseId);
                                out.put("counted", counted);
                                out.put("used", counted ? used + 1 : used);
                                out.put("budget", budget);
                                out.put("shiftHours", shift.toHours());
                                return out;
                            });
                }));
    }
}
