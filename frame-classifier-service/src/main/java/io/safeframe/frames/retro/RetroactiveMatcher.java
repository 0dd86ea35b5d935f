package io.safeframe.frames.retro;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Matches bank entries added since the last run against the frames of clips classified within the window
 * ({@link SeenClips}), with each bank's own Hamming threshold, and records one pending match per clip and bank.
 * Entries are taken in insertion order behind a cursor, so every entry is checked exactly once, whichever import
 * path added it; clips classified after an entry reached the in-memory index are caught by the ordinary check.
 * <p>
 * The comparison is a scan (every new entry against every frame in the window, {@code bit_count} of the XOR in
 * PostgreSQL): fine for the window of a young platform, and bounded per run by {@code entries-per-run}. A much larger
 * window needs an index for Hamming search (multi-index hashing), as the in-memory bank index has.
 */
@ApplicationScoped
public class RetroactiveMatcher {

    private static final Logger LOG = Logger.getLogger(RetroactiveMatcher.class);

    private final Pool pool;
    private final RetroSettings settings;
    private final Counter matches;

    public RetroactiveMatcher(Pool pool, RetroSettings settings, MeterRegistry registry) {
        this.pool = pool;
        this.settings = settings;
        this.matches = Counter.builder("safeframe.retroactive.matches").description("published clips matched by a bank entry added after them")
                .register(registry);
    }

    @Scheduled(every = "${safeframe.retro.match-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return runOnce().onFailure().invoke(f -> LOG.warnf("retroactive matching failed: %s", f.toString())).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One run: the number of new matches (0 when another replica holds the cursor or nothing is new). */
    public Uni<Integer> runOnce() {
        return pool.withTransaction(conn -> conn.query("select last_hash_id from retro_cursor where id = 1 for update skip locked").execute()
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().item(0) : advance(conn, rows.iterator().next().getLong("last_hash_id"))));
    }

    private Uni<Integer> advance(SqlConnection conn, long after) {
        return conn.preparedQuery("select max(id) as upto from (select id from bank_hash where id > $1 order by id limit $2) batch")
                .execute(Tuple.of(after, settings.entriesPerRun()))
                .map(rows -> rows.iterator().next().getLong("upto"))
                .chain(upto -> upto == null ? Uni.createFrom().item(0) : match(conn, after, upto)
                        .call(found -> conn.preparedQuery("update retro_cursor set last_hash_id = $1 where id = 1").execute(Tuple.of(upto))));
    }

    private Uni<Integer> match(SqlConnection conn, long after, long upto) {
        return conn.preparedQuery("""
                insert into retro_match (content_id, owner_account, bank, bank_hash_id, distance, frame_ms)
                select distinct on (s.content_id, h.bank) s.content_id, s.owner_account, h.bank, h.id,
                       bit_count(s.hash # ('x' || h.hash)::bit(256))::int, s.frame_ms
                from bank_hash h
                join hash_bank b on b.name = h.bank
                join seen_frame s on s.seen_at > now() - make_interval(secs => $3)
                where h.id > $1 and h.id <= $2 and bit_count(s.hash # ('x' || h.hash)::bit(256)) <= b.threshold
                order by s.content_id, h.bank, bit_count(s.hash # ('x' || h.hash)::bit(256)), s.frame_ms
                on conflict (content_id, bank) do nothing
                returning id""")
                .execute(Tuple.of(after, upto, (double) settings.window().toSeconds()))
                .map(rows -> {
                    int found = rows.rowCount();
                    if (found > 0) {
                        matches.increment(found);
                        LOG.infof("bank entries %d..%d matched %d earlier clips; cases follow at the configured rate", after + 1, upto, found);
                    }
                    return found;
                });
    }
}
