package io.safeframe.report.trends;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Platform-wide rises per category: once a minute, one replica (advisory lock) counts the flagged prompts of each
 * finished minute per category, runs each category's {@link Cusum} over the minutes since it last ran (zeros
 * included), and counts spikes in {@code safeframe_trend_spikes_total{category}} (alert: deploy/monitoring). The same
 * round purges observations past their retention.
 */
@ApplicationScoped
public class CategorySpikes {

    private static final Logger LOG = Logger.getLogger(CategorySpikes.class);
    private static final long LOCK = 0x5AFE7E4D5L;
    /** After a long outage only the last hour is replayed: older minutes say nothing about a spike now. */
    private static final int MAX_CATCH_UP_MINUTES = 60;

    private final Pool pool;
    private final TrendSettings settings;
    private final MeterRegistry registry;

    public CategorySpikes(Pool pool, TrendSettings settings, MeterRegistry registry, io.safeframe.report.config.ReportSettings report) {
        this.pool = pool;
        this.settings = settings;
        this.registry = registry;
        // at 0 from the start for every known category: the alert's increase() then sees the first spike too
        report.categories().keySet().forEach(category -> registry.counter("safeframe_trend_spikes_total", "category", category));
    }

    @Scheduled(every = "${safeframe.trends.spike.every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().onFailure().invoke(f -> LOG.warnf("trend round failed: %s", f.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One round; the number of spikes found (0 when another replica holds the round). */
    public Uni<Integer> run() {
        return pool.withTransaction(conn -> conn.query("select pg_try_advisory_xact_lock(" + LOCK + ") as locked").execute()
                .chain(rows -> rows.iterator().next().getBoolean("locked") ? round(conn) : Uni.createFrom().item(List.<String> of())))
                // counted once the round's state is committed, so a failed round is not counted and then redone
                .invoke(spiked -> spiked.forEach(category -> registry.counter("safeframe_trend_spikes_total", "category", category).increment()))
                .map(List::size);
    }

    /** The categories that spiked in this round, once per spike. */
    private Uni<List<String>> round(SqlConnection conn) {
        return conn.preparedQuery("delete from content_observation where observed_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) settings.retention().toSeconds()))
                .chain(() -> conn.query("select date_trunc('minute', now()) as m").execute())
                .map(rows -> rows.iterator().next().getOffsetDateTime("m"))
                .chain(thisMinute -> conn.query("select * from category_trend").execute().chain(stateRows -> conn.preparedQuery("""
                        select category, date_trunc('minute', observed_at) as minute, count(*) as n
                        from content_observation where flagged and category is not null and observed_at >= $1 and observed_at < $2
                        group by 1, 2""").execute(Tuple.of(thisMinute.minusMinutes(MAX_CATCH_UP_MINUTES), thisMinute)).chain(counts -> {
                    Map<String, Row> states = new HashMap<>();
                    stateRows.forEach(r -> states.put(r.getString("category"), r));
                    Map<String, Map<OffsetDateTime, Long>> byCategory = new HashMap<>();
                    counts.forEach(r -> byCategory.computeIfAbsent(r.getString("category"), c -> new HashMap<>())
                            .put(r.getOffsetDateTime("minute").toInstant().atOffset(java.time.ZoneOffset.UTC), r.getLong("n")));
                    TreeSet<String> categories = new TreeSet<>(states.keySet());
                    categories.addAll(byCategory.keySet());
                    return Multi.createFrom().iterable(categories).onItem()
                            .transformToUniAndConcatenate(category -> advance(conn, category, states.get(category),
                                    byCategory.getOrDefault(category, Map.of()), thisMinute.toInstant().atOffset(java.time.ZoneOffset.UTC)))
                            .collect().asList().map(spiked -> spiked.stream().flatMap(List::stream).toList());
                })));
    }

    /** The category's CUSUM over each finished minute it has not seen yet; the category once per spike found. */
    private Uni<List<String>> advance(SqlConnection conn, String category, Row state, Map<OffsetDateTime, Long> counts, OffsetDateTime thisMinute) {
        Cusum cusum = state == null ? Cusum.START
                : new Cusum(state.getInteger("minutes"), state.getDouble("mean"), state.getDouble("variance"), state.getDouble("cusum"));
        OffsetDateTime earliest = thisMinute.minusMinutes(MAX_CATCH_UP_MINUTES);
        OffsetDateTime from = state == null ? earliest
                : state.getOffsetDateTime("last_minute").toInstant().atOffset(java.time.ZoneOffset.UTC).plusMinutes(1);
        if (from.isBefore(earliest)) {
            from = earliest;
        }
        List<String> spikes = new java.util.ArrayList<>();
        OffsetDateTime minute = from;
        for (; minute.isBefore(thisMinute); minute = minute.plusMinutes(1)) {
            Cusum.Step step = cusum.observe(counts.getOrDefault(minute, 0L), settings.spike());
            cusum = step.next();
            if (step.spike()) {
                spikes.add(category);
                LOG.warnf("trend spike: %s rose above its baseline (%.1f flagged prompts a minute) in the minute from %s", category,
                        cusum.mean(), minute);
            }
        }
        if (!minute.isAfter(from)) {
            return Uni.createFrom().item(List.of());
        }
        return conn.preparedQuery("""
                insert into category_trend (category, minutes, mean, variance, cusum, last_minute) values ($1, $2, $3, $4, $5, $6)
                on conflict (category) do update set minutes = $2, mean = $3, variance = $4, cusum = $5, last_minute = $6""")
                .execute(Tuple.from(new Object[] { category, cusum.minutes(), cusum.mean(), cusum.variance(), cusum.sum(), minute.minusMinutes(1) }))
                .replaceWith(spikes);
    }
}
