package io.safeframe.report.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.Action;
import io.safeframe.report.config.ReportSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * report-service's domain series (docs/observability.md). Counters for decisions by action and appeal outcomes,
 * counted after their transaction commits. Gauges per queue (undecided cases, age of the oldest, cases past their
 * SLA) and for the outbox to policy-service (undelivered entries, age of the oldest): one SQL statement on a
 * schedule fills them, and a scrape only reads numbers already in memory — a scrape never waits on the database,
 * and many scrapers cost the database nothing more.
 */
@ApplicationScoped
public class ModerationMetrics {

    private static final Logger LOG = Logger.getLogger(ModerationMetrics.class);
    /** The only outbox: report-service's calls to policy-service (sanctions, lifts, audit events). */
    public static final String OUTBOX = "policy-service";

    // Both parts read only undecided cases and undelivered entries, through the partial indexes on exactly those
    // rows (report_case_claimable, outbox_pending): the cost follows the backlog, not the history.
    private static final String SNAPSHOT = """
            select 'queue' as kind, queue as name, count(*) as n,
                   coalesce(extract(epoch from now() - min(created_at)), 0)::bigint as oldest_seconds,
                   count(*) filter (where sla_due_at < now()) as past_sla
            from report_case where state <> 'DECIDED' group by queue
            union all
            select 'outbox', null, count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::bigint, 0
            from outbox where delivered_at is null
            union all
            select 'webhook', state, count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::bigint, 0
            from webhook_event where state in ('PENDING', 'DEAD') group by state""";

    private record QueueGauges(AtomicLong depth, AtomicLong oldest, AtomicLong pastSla) {
        QueueGauges() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong());
        }
    }

    private final MeterRegistry meters;
    private final Pool pool;
    // held here: a Micrometer gauge keeps only a weak reference to what it reads
    private final Map<String, QueueGauges> queues = new ConcurrentHashMap<>();
    private final AtomicLong outboxPending = new AtomicLong();
    private final AtomicLong outboxOldest = new AtomicLong();
    private final AtomicLong webhooksPending = new AtomicLong();
    private final AtomicLong webhooksOldest = new AtomicLong();
    private final AtomicLong webhooksDead = new AtomicLong();

    public ModerationMetrics(MeterRegistry meters, Pool pool, ReportSettings settings) {
        this.meters = meters;
        this.pool = pool;
        // every configured queue from the start, at 0: an empty queue is a series at 0, not a missing one
        settings.categories().keySet().forEach(this::queue);
        Gauge.builder("safeframe.outbox.pending", outboxPending, AtomicLong::get).tag("outbox", OUTBOX)
                .description("outbox entries not yet delivered").register(meters);
        Gauge.builder("safeframe.outbox.oldest.age", outboxOldest, AtomicLong::get).tag("outbox", OUTBOX).baseUnit("seconds")
                .description("age of the oldest undelivered outbox entry; 0 when none").register(meters);
        // webhooks to the platform (docs/webhooks.md): kept apart from the outbox series, whose lag alert means a
        // sanction not in force; a webhook backlog means the platform's endpoint is not taking events
        Gauge.builder("safeframe.webhooks.pending", webhooksPending, AtomicLong::get)
                .description("webhook events waiting for delivery or a retry").register(meters);
        Gauge.builder("safeframe.webhooks.oldest.pending.age", webhooksOldest, AtomicLong::get).baseUnit("seconds")
                .description("age of the oldest webhook event not yet delivered; 0 when none").register(meters);
        Gauge.builder("safeframe.webhooks.dead", webhooksDead, AtomicLong::get)
                .description("webhook events dead-lettered after the last attempt, until an admin replays them").register(meters);
    }

    public void decided(Action action) {
        meters.counter("safeframe.decisions", "action", action.name()).increment();
    }

    /** {@code reversed}: the appeal succeeded and the decision was overturned; otherwise the decision was upheld. */
    public void appealResolved(boolean reversed) {
        meters.counter("safeframe.appeals", "outcome", reversed ? "overturned" : "upheld").increment();
    }

    private QueueGauges queue(String name) {
        return queues.computeIfAbsent(name, q -> {
            QueueGauges g = new QueueGauges();
            Gauge.builder("safeframe.queue.depth", g.depth(), AtomicLong::get).tag("queue", q)
                    .description("undecided cases in the queue (open or claimed)").register(meters);
            Gauge.builder("safeframe.queue.oldest.age", g.oldest(), AtomicLong::get).tag("queue", q).baseUnit("seconds")
                    .description("age of the oldest undecided case in the queue; 0 when empty").register(meters);
            Gauge.builder("safeframe.queue.past.sla", g.pastSla(), AtomicLong::get).tag("queue", q)
                    .description("undecided cases past their SLA (sla_due_at, set from the queue's SLA when the case opened)")
                    .register(meters);
            return g;
        });
    }

    @Scheduled(every = "${safeframe.report.metrics-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(f -> LOG.warnf("refreshing the queue and outbox gauges failed: %s", f.toString()))
                .onFailure().recoverWithNull();
    }

    /** Reads the backlog once and sets every gauge; queues with nothing undecided go back to 0. */
    public Uni<Void> refresh() {
        return pool.query(SNAPSHOT).execute().invoke(rows -> {
            Map<String, Row> byQueue = new HashMap<>();
            long pending = 0;
            long pendingOldest = 0;
            long dead = 0;
            for (Row r : rows) {
                if ("webhook".equals(r.getString("kind"))) {
                    if ("DEAD".equals(r.getString("name"))) {
                        dead = r.getLong("n");
                    } else {
                        pending = r.getLong("n");
                        pendingOldest = r.getLong("oldest_seconds");
                    }
                } else if ("outbox".equals(r.getString("kind"))) {
                    outboxPending.set(r.getLong("n"));
                    outboxOldest.set(r.getLong("oldest_seconds"));
                } else {
                    byQueue.put(r.getString("name"), r);
                }
            }
            webhooksPending.set(pending);
            webhooksOldest.set(pendingOldest);
            webhooksDead.set(dead);
            // queues only come from the category taxonomy (ReportSettings), so the label set stays bounded
            byQueue.keySet().forEach(this::queue);
            queues.forEach((name, g) -> {
                Row r = byQueue.get(name);
                g.depth().set(r == null ? 0 : r.getLong("n"));
                g.oldest().set(r == null ? 0 : r.getLong("oldest_seconds"));
                g.pastSla().set(r == null ? 0 : r.getLong("past_sla"));
            });
        }).replaceWithVoid();
    }
}
