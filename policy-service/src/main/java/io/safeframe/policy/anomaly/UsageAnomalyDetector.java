package io.safeframe.policy.anomaly;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.safeframe.policy.audit.AuditEntry;
import io.safeframe.policy.audit.AuditLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Watches per-account usage signals (requests, BLOCK verdicts, REVIEW verdicts) and raises a flag when the
 * current window is far above the account's own baseline. A flag throttles the account to the stricter
 * policy and is returned so the caller can audit it; it carries its numbers as the reason.
 */
@ApplicationScoped
public class UsageAnomalyDetector {

    private final Pool pool;
    private final AnomalyThresholds thresholds;
    private final io.safeframe.policy.PolicyMetrics metrics;
    private final AuditLog audit;

    public UsageAnomalyDetector(Pool pool, AnomalyThresholds thresholds, io.safeframe.policy.PolicyMetrics metrics,
            AuditLog audit) {
        this.pool = pool;
        this.thresholds = thresholds;
        this.metrics = metrics;
        this.audit = audit;
    }

    /** {@link #observe}, and a flag it raises is audited with its numbers as the reason (actor anomaly-detector). */
    public Uni<Flag> observeAndAudit(String accountId, String signal, Instant now, String correlationId) {
        return observeAndAudit(accountId, signal, now, 1, correlationId);
    }

    /** {@link #observeAndAudit} for {@code count} occurrences seen together. */
    public Uni<Flag> observeAndAudit(String accountId, String signal, Instant now, int count, String correlationId) {
        return observe(accountId, signal, now, count).call(flag -> {
            if (flag == null) {
                return Uni.createFrom().voidItem();
            }
            Map<String, String> numbers = new LinkedHashMap<>();
            numbers.put("signal", flag.signal());
            numbers.put("observed", Integer.toString(flag.observed()));
            numbers.put("expected", String.format(Locale.ROOT, "%.3f", flag.expected()));
            numbers.put("z", String.format(Locale.ROOT, "%.2f", flag.zScore()));
            return audit.append(AuditEntry.draft("anomaly-detector", flag.accountId(), "anomaly.flagged", flag.flagId(),
                    "REVIEW", flag.reason(), correlationId, null, numbers));
        });
    }

    public record Flag(String flagId, String accountId, String signal, int observed, double expected, double zScore,
            String reason) {
    }

    /** Signal names for the audit actions and decisions that feed the detector; null when nothing does. */
    public static String signalFor(String action, String decision) {
        if ("generation.authorize".equals(action)) {
            return "requests";
        }
        if ("BLOCK".equals(decision)) {
            return "blocked";
        }
        if ("REVIEW".equals(decision)) {
            return "reviewed";
        }
        return null;
    }

    /** Records one occurrence; the returned Uni holds a flag when this occurrence crossed the threshold, else null. */
    public Uni<Flag> observe(String accountId, String signal, Instant now) {
        return observe(accountId, signal, now, 1);
    }

    private Uni<Flag> observe(String accountId, String signal, Instant now, int count) {
        int minCount = thresholds.minCount().getOrDefault(signal, 10);
        return pool.withTransaction(conn -> conn.preparedQuery("insert into account (account_id) values ($1) on conflict do nothing")
                .execute(Tuple.of(accountId))
                .chain(() -> conn.preparedQuery("""
                insert into usage_signal (account_id, signal, window_start) values ($1, $2, $3)
                on conflict do nothing""")
                .execute(Tuple.of(accountId, signal, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))))
                .chain(() -> conn.preparedQuery("select * from usage_signal where account_id = $1 and signal = $2 for update")
                        .execute(Tuple.of(accountId, signal)))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    RateBaseline before = new RateBaseline(row.getDouble("ewma"), row.getDouble("ewm_var"),
                            row.getLong("samples"), row.getOffsetDateTime("window_start").toInstant(),
                            row.getInteger("window_count"));
                    RateBaseline after = before.observe(now, thresholds.window(), thresholds.alpha(), count);
                    boolean crossedNow = exceeds(after, minCount) && !exceeds(before.rollTo(now, thresholds.window(),
                            thresholds.alpha()), minCount);
                    Uni<Void> save = conn.preparedQuery("""
                            update usage_signal set ewma = $3, ewm_var = $4, samples = $5, window_start = $6, window_count = $7
                            where account_id = $1 and signal = $2""")
                            .execute(Tuple.from(new Object[] { accountId, signal, after.ewma(), after.ewmVar(), after.samples(),
                                    OffsetDateTime.ofInstant(after.windowStart(), ZoneOffset.UTC), after.windowCount() }))
                            .replaceWithVoid();
                    if (!crossedNow) {
                        return save.replaceWith((Flag) null);
                    }
                    Flag flag = new Flag(UUID.randomUUID().toString(), accountId, signal, after.windowCount(), after.ewma(),
                            after.zScore(), String.format(Locale.ROOT,
                                    "%d %s in the current %ds window against a baseline of %.2f (z = %.1f, threshold %.1f, minimum %d)",
                                    after.windowCount(), signal, thresholds.window().toSeconds(), after.ewma(),
                                    after.zScore(), thresholds.zScore(), minCount));
                    OffsetDateTime throttledUntil = OffsetDateTime.ofInstant(now.plus(thresholds.throttleFor()), ZoneOffset.UTC);
                    return save
                            .chain(() -> conn.preparedQuery("""
                                    insert into anomaly_flag (flag_id, account_id, signal, observed, expected, z_score, reason)
                                    values ($1, $2, $3, $4, $5, $6, $7)""")
                                    .execute(Tuple.from(new Object[] { UUID.fromString(flag.flagId()), accountId, signal,
                                            (double) flag.observed(), flag.expected(), flag.zScore(), flag.reason() })))
                            .chain(() -> conn.preparedQuery("""
                                    update account set throttled_until = greatest(coalesce(throttled_until, $2), $2)
                                    where account_id = $1""")
                                    .execute(Tuple.of(accountId, throttledUntil)))
                            .replaceWith(flag);
                }))
                // counted once the flag and the throttle have committed
                .invoke(flag -> {
                    if (flag != null) {
                        metrics.anomalyFlagged(flag.signal());
                    }
                });
    }

    private boolean exceeds(RateBaseline b, int minCount) {
        return b.windowCount() >= minCount && b.zScore() >= thresholds.zScore();
    }

    public Uni<Integer> flagCount(String accountId) {
        return pool.preparedQuery("select count(*) as n from anomaly_flag where account_id = $1").execute(Tuple.of(accountId))
                .map(rows -> rows.iterator().next().getInteger("n"));
    }
}
