package io.safeframe.policy.quota;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Function;

import io.safeframe.policy.audit.AuditEntry;
import io.safeframe.policy.audit.AuditOutbox;

import io.safeframe.policy.tier.UsagePolicies;
import io.safeframe.policy.tier.TierCatalogue;
import io.safeframe.policy.tier.TierCatalogue.UsageLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Quota reservations, exact across any number of policy-service replicas.
 *
 * <p>Every counter moves only through a conditional UPDATE ({@code ... where used < limit}) inside one
 * transaction. PostgreSQL row locks serialise concurrent updates of the same counter and READ COMMITTED
 * re-checks the condition after the lock is granted, so no interleaving can grant more than the limit —
 * there is no read-modify-write in Java. A refusal aborts the transaction, undoing counters already moved.
 * Locks are always taken in the same order (day, minute, account), so transactions cannot deadlock.
 */
@ApplicationScoped
public class QuotaLedger {

    private final Pool pool;
    private final UsagePolicies policies;
    private final TierCatalogue tiers;
    private final AuditOutbox outbox;

    public QuotaLedger(Pool pool, UsagePolicies policies, TierCatalogue tiers, AuditOutbox outbox) {
        this.pool = pool;
        this.policies = policies;
        this.tiers = tiers;
        this.outbox = outbox;
    }

    /**
     * Reserves one generation, or refuses it, and enqueues the audit event the outcome makes ({@code audited}) in the
     * same transaction: one transaction per Authorize, eight statements on the granting path, five of them while the
     * account's counters are locked. A refusal rolls back to the savepoint taken first, so the counters it moved are
     * undone while its audit event still commits.
     */
    public Uni<Reservation> reserve(String accountId, int videoSeconds, String idempotencyKey, String fingerprint,
            String correlationId, Function<Reservation, AuditEntry> audited) {
        Instant now = Instant.now();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        OffsetDateTime minute = OffsetDateTime.ofInstant(now.truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC);
        return pool.withTransaction(conn -> conn.query("savepoint reserve").execute()
                .chain(() -> existingReservation(conn, accountId, idempotencyKey, fingerprint, now))
                .chain(existing -> existing != null ? outbox.enqueue(conn, audited.apply(existing)).replaceWith(existing)
                        : reserveNew(conn, accountId, videoSeconds, idempotencyKey, fingerprint, correlationId, now, day,
                                minute, audited))
                .onFailure(Refusal.class).recoverWithUni(f -> {
                    Reservation refused = ((Refusal) f).reservation;
                    return conn.query("rollback to savepoint reserve").execute()
                            .chain(() -> outbox.enqueue(conn, audited.apply(refused))).replaceWith(refused);
                }));
    }

    /**
     * A retry of a request this account already made returns its reservation, but only while the account may still
     * generate, only for the same request (fingerprint) and only while the reservation is live or used: a key is
     * never a way around standing, burst or concurrency checks, nor a way to buy a second, different video.
     */
    private Uni<Reservation> existingReservation(SqlConnection conn, String accountId, String idempotencyKey,
            String fingerprint, Instant now) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return conn.preparedQuery("""
                select r.reservation_id, r.expires_at, r.state, r.request_fingerprint, a.tier, a.state as standing,
                       a.suspended_until, a.reason,
                       (select used from quota_day q where q.account_id = r.account_id and q.day = r.day) as used
                from reservation r join account a on a.account_id = r.account_id
                where r.account_id = $1 and r.idempotency_key = $2""")
                .execute(Tuple.of(accountId, idempotencyKey))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().nullItem();
                    }
                    Row row = rows.iterator().next();
                    String tier = row.getString("tier");
                    String stored = row.getString("request_fingerprint");
                    if (stored != null && !stored.equals(blankToNull(fingerprint))) {
                        return refuse(tier, 0, "IDEMPOTENCY_KEY_REUSED",
                                "this Idempotency-Key was used for a different request; use a new key for a new request");
                    }
                    String standingRefusal = standingRefusal(row.getString("standing"), row.getString("reason"),
                            row.getOffsetDateTime("suspended_until"), now);
                    if (standingRefusal != null) {
                        return refuse(tier, 0, "ACCOUNT_" + row.getString("standing"), standingRefusal);
                    }
                    String state = row.getString("state");
                    if (!"RESERVED".equals(state) && !"COMMITTED".equals(state)) {
                        return refuse(tier, 0, "IDEMPOTENCY_KEY_SPENT", "the request with this Idempotency-Key ended ("
                                + state.toLowerCase(java.util.Locale.ROOT) + "); send it again with a new key");
                    }
                    int remaining = Math.max(0, tiers.policyFor(tier).generationsPerDay() - row.getInteger("used"));
                    return Uni.createFrom().item(Reservation.granted(row.getUUID("reservation_id").toString(), tier,
                            remaining, row.getOffsetDateTime("expires_at").toInstant()));
                });
    }

    /**
     * The account row, made on first use and read in one statement (the select cannot see the CTE's own insert), with
     * today's and this minute's counters: a spent quota is refused from this read, without locking the counters (a
     * request arriving a moment later would have read the same). When two first requests of one account race, the
     * second one's insert waits for the first and then does nothing, and its select, on the snapshot taken before the
     * first committed, finds no row either: the statement then returns nothing and is run once more, on a new snapshot
     * that sees the row (seen as an UNKNOWN NoSuchElementException on the first submit of a fresh account).
     */
    private Uni<Row> accountRow(SqlConnection conn, String accountId, LocalDate day, OffsetDateTime minute, boolean again) {
        return conn.preparedQuery("""
                with made as (insert into account (account_id, tier) values ($1, $2) on conflict do nothing
                              returning tier, state, suspended_until, reason, throttled_until, in_flight),
                     acct as (select * from made
                              union all
                              select tier, state, suspended_until, reason, throttled_until, in_flight from account
                              where account_id = $1 and not exists (select 1 from made))
                select acct.*,
                       (select used from quota_day where account_id = $1 and day = $3) as used_today,
                       (select used from quota_minute where account_id = $1 and minute = $4) as used_minute
                from acct""")
                .execute(Tuple.of(accountId, policies.defaultTier(), day, minute))
                .chain(rows -> {
                    if (rows.iterator().hasNext()) {
                        return Uni.createFrom().item(rows.iterator().next());
                    }
                    if (again) {
                        return accountRow(conn, accountId, day, minute, false);
                    }
                    return Uni.createFrom().failure(new IllegalStateException("account " + accountId + " neither made nor found"));
                });
    }

    private Uni<Reservation> reserveNew(SqlConnection conn, String accountId, int videoSeconds, String idempotencyKey,
            String fingerprint, String correlationId, Instant now, LocalDate day, OffsetDateTime minute,
            Function<Reservation, AuditEntry> audited) {
        return accountRow(conn, accountId, day, minute, true)
                .chain(account -> {
                    String tier = account.getString("tier");
                    OffsetDateTime throttledUntil = account.getOffsetDateTime("throttled_until");
                    boolean throttled = throttledUntil != null && throttledUntil.toInstant().isAfter(now);
                    String effectiveTier = throttled ? policies.throttledTier() : tier;
                    UsageLimits policy = tiers.policyFor(effectiveTier);
                    String standingRefusal = standingRefusal(account.getString("state"), account.getString("reason"),
                            account.getOffsetDateTime("suspended_until"), now);
                    if (standingRefusal != null) {
                        return refuse(tier, 0, "ACCOUNT_" + account.getString("state"), standingRefusal);
                    }
                    if (videoSeconds > policy.maxVideoSeconds()) {
                        return refuse(tier, 0, "VIDEO_TOO_LONG", "the " + effectiveTier + " tier allows videos up to "
                                + policy.maxVideoSeconds() + " s, " + videoSeconds + " s were asked for");
                    }
                    int usedBefore = account.getInteger("used_today") == null ? 0 : account.getInteger("used_today");
                    if (usedBefore >= policy.generationsPerDay()) {
                        return refuse(tier, 0, "DAILY_QUOTA_EXHAUSTED", dailyExhausted(effectiveTier, policy));
                    }
                    Integer minuteBefore = account.getInteger("used_minute");
                    if (minuteBefore != null && minuteBefore >= policy.burstPerMinute()) {
                        return refuse(tier, 0, "BURST_LIMIT", burstExceeded(effectiveTier, policy));
                    }
                    if (account.getInteger("in_flight") >= policy.concurrentJobs()) {
                        return refuse(tier, policy.generationsPerDay() - usedBefore, "TOO_MANY_CONCURRENT_JOBS",
                                tooManyConcurrent(effectiveTier, policy));
                    }
                    return takeDay(conn, accountId, day, policy, effectiveTier)
                            .chain(usedToday -> takeMinute(conn, accountId, minute, policy, effectiveTier)
                                    .chain(() -> takeConcurrent(conn, accountId, policy, effectiveTier, usedToday))
                                    .chain(() -> insertReservation(conn, accountId, day, idempotencyKey, fingerprint,
                                            videoSeconds, correlationId, now, effectiveTier,
                                            policy.generationsPerDay() - usedToday, audited)));
                });
    }

    private static String standingRefusal(String state, String reason, OffsetDateTime until, Instant now) {
        if ("BANNED".equals(state)) {
            return "the account is banned: " + reason;
        }
        if ("SUSPENDED".equals(state)) {
            if (until == null || until.toInstant().isAfter(now)) {
                return "the account is suspended" + (until == null ? "" : " until " + until) + ": " + reason;
            }
        }
        return null;
    }

    /** One upsert: the day's row is made with this generation in it, or counted up while under the limit. */
    private Uni<Integer> takeDay(SqlConnection conn, String accountId, LocalDate day, UsageLimits policy, String tier) {
        return conn.preparedQuery("""
                insert into quota_day as q (account_id, day, used) values ($1, $2, 1)
                on conflict (account_id, day) do update set used = q.used + 1 where q.used < $3
                returning used""")
                .execute(Tuple.of(accountId, day, policy.generationsPerDay()))
                .chain(rows -> rows.rowCount() == 1 ? Uni.createFrom().item(rows.iterator().next().getInteger("used"))
                        : refuse(tier, 0, "DAILY_QUOTA_EXHAUSTED", dailyExhausted(tier, policy)));
    }

    private Uni<Void> takeMinute(SqlConnection conn, String accountId, OffsetDateTime minute, UsageLimits policy, String tier) {
        return conn.preparedQuery("""
                insert into quota_minute as q (account_id, minute, used) values ($1, $2, 1)
                on conflict (account_id, minute) do update set used = q.used + 1 where q.used < $3""")
                .execute(Tuple.of(accountId, minute, policy.burstPerMinute()))
                .chain(rows -> rows.rowCount() == 1 ? Uni.createFrom().voidItem()
                        : refuse(tier, 0, "BURST_LIMIT", burstExceeded(tier, policy)));
    }

    private Uni<Void> takeConcurrent(SqlConnection conn, String accountId, UsageLimits policy, String tier, int usedToday) {
        return conn.preparedQuery("update account set in_flight = in_flight + 1 where account_id = $1 and in_flight < $2")
                .execute(Tuple.of(accountId, policy.concurrentJobs()))
                .chain(rows -> rows.rowCount() == 1 ? Uni.createFrom().voidItem()
                        : refuse(tier, policy.generationsPerDay() - usedToday + 1, "TOO_MANY_CONCURRENT_JOBS",
                                tooManyConcurrent(tier, policy)));
    }

    private static String dailyExhausted(String tier, UsageLimits policy) {
        return "the " + tier + " tier allows " + policy.generationsPerDay() + " generations per day; none are left today";
    }

    private static String burstExceeded(String tier, UsageLimits policy) {
        return "the " + tier + " tier allows " + policy.burstPerMinute() + " generations per minute; try again in a minute";
    }

    private static String tooManyConcurrent(String tier, UsageLimits policy) {
        return "the " + tier + " tier allows " + policy.concurrentJobs() + " generations at a time; wait for one to finish";
    }

    /** The reservation row and the grant's audit event, in one statement. */
    private Uni<Reservation> insertReservation(SqlConnection conn, String accountId, LocalDate day, String idempotencyKey,
            String fingerprint, int videoSeconds, String correlationId, Instant now, String tier, int remaining,
            Function<Reservation, AuditEntry> audited) {
        UUID id = UUID.randomUUID();
        Instant expiresAt = now.plus(policies.reservationTtl());
        Reservation granted = Reservation.granted(id.toString(), tier, remaining, expiresAt);
        return outbox.enqueueWith(conn, """
                insert into reservation (reservation_id, account_id, day, idempotency_key, state, video_seconds,
                                         correlation_id, expires_at, request_fingerprint)
                values ($1, $2, $3, $4, 'RESERVED', $5, $6, $7, $8)""",
                new Object[] { id, accountId, day, blankToNull(idempotencyKey), videoSeconds, correlationId,
                        OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC), blankToNull(fingerprint) },
                audited.apply(granted)).replaceWith(granted);
    }

    /** The generation happened: it keeps counting against the day, and no longer against concurrency. */
    public Uni<String> commit(String reservationId) {
        return finish(reservationId, "COMMITTED", false);
    }

    /** The platform failed: the generation is given back. */
    public Uni<String> refund(String reservationId) {
        return finish(reservationId, "REFUNDED", true);
    }

    private Uni<String> finish(String reservationId, String newState, boolean giveBack) {
        UUID id = parseId(reservationId);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update reservation set state = $2, finished_at = now()
                where reservation_id = $1 and state = 'RESERVED' returning account_id, day""")
                .execute(Tuple.of(id, newState))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return currentState(conn, id);
                    }
                    Row row = rows.iterator().next();
                    return release(conn, row.getString("account_id"), row.getLocalDate("day"), 1, giveBack)
                            .replaceWith(newState);
                }));
    }

    private Uni<String> currentState(SqlConnection conn, UUID id) {
        return conn.preparedQuery("select state from reservation where reservation_id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new UnknownReservation(id.toString());
                    }
                    // finishing twice is a no-op that reports the state it already has (safe to retry)
                    return rows.iterator().next().getString("state");
                });
    }

    private Uni<Void> release(SqlConnection conn, String accountId, LocalDate day, int n, boolean giveBack) {
        Uni<RowSet<Row>> inFlight = conn.preparedQuery(
                "update account set in_flight = greatest(in_flight - $2, 0) where account_id = $1")
                .execute(Tuple.of(accountId, n));
        if (!giveBack) {
            return inFlight.replaceWithVoid();
        }
        return inFlight.chain(() -> conn.preparedQuery(
                "update quota_day set used = greatest(used - $3, 0) where account_id = $1 and day = $2")
                .execute(Tuple.of(accountId, day, n))).replaceWithVoid();
    }

    /** Reservations never finished (a crashed gateway, a lost job) expire and give their quota back. */
    public Uni<Integer> expireOpenReservations() {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update reservation set state = 'EXPIRED', finished_at = now()
                where reservation_id in (select reservation_id from reservation
                                         where state = 'RESERVED' and expires_at < now()
                                         for update skip locked)
                returning account_id, day""")
                .execute()
                .chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    int count = 0;
                    for (Row row : rows) {
                        String account = row.getString("account_id");
                        LocalDate day = row.getLocalDate("day");
                        chain = chain.chain(() -> release(conn, account, day, 1, true));
                        count++;
                    }
                    int expired = count;
                    return chain.replaceWith(expired);
                }));
    }

    public Uni<Integer> usedToday(String accountId) {
        return pool.preparedQuery("select used from quota_day where account_id = $1 and day = $2")
                .execute(Tuple.of(accountId, LocalDate.now(ZoneOffset.UTC)))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger("used") : 0);
    }

    private static UUID parseId(String reservationId) {
        try {
            return UUID.fromString(reservationId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UnknownReservation(reservationId);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static <T> Uni<T> refuse(String tier, int remaining, String code, String reason) {
        return Uni.createFrom().failure(new Refusal(Reservation.refused(tier, Math.max(remaining, 0), code, reason)));
    }

    /** Aborts the transaction so counters already moved in it are rolled back. */
    static final class Refusal extends RuntimeException {
        final transient Reservation reservation;

        Refusal(Reservation reservation) {
            super(reservation.reason(), null, false, false);
            this.reservation = reservation;
        }
    }

    public static final class UnknownReservation extends RuntimeException {
        public UnknownReservation(String id) {
            super("no reservation with id '" + id + "'");
        }
    }
}
