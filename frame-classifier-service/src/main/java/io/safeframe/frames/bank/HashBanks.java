package io.safeframe.frames.bank;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.safeframe.frames.pdq.PdqHash;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The hash banks: PostgreSQL is the truth, an in-memory {@link HashIndex} answers queries. A statement-level
 * trigger bumps a generation number on every change; each replica polls it (and refreshes at once after its
 * own writes) and swaps in a freshly built index, so all replicas converge within the poll interval.
 */
@ApplicationScoped
public class HashBanks {

    private static final Logger LOG = Logger.getLogger(HashBanks.class);
    public static final int DEFAULT_THRESHOLD = 31;
    public static final int MIN_QUALITY = 50;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public record BankInfo(String name, String category, String decision, int threshold, String description, long size) {
    }

    /** entry: the bank row's position in the index, so a video's hits can be counted per distinct bank entry. */
    public record Hit(BankInfo bank, int distance, String label, PdqHash hash, int entry) {
    }

    private record Snapshot(long generation, HashIndex index, String[] bankOf, String[] labelOf, Map<String, BankInfo> banks,
            int maxThreshold, Map<String, Integer> entriesPerLabel) {
    }

    public static final class BankError extends RuntimeException {
        public final boolean notFound;

        BankError(String message, boolean notFound) {
            super(message);
            this.notFound = notFound;
        }
    }

    private final Pool pool;
    private volatile Snapshot snapshot = new Snapshot(-1, new HashIndex(List.of(), new int[0]), new String[0], new String[0], Map.of(), 0, Map.of());

    public HashBanks(Pool pool) {
        this.pool = pool;
    }

    void onStart(@Observes StartupEvent event) {
        refresh().await().indefinitely();
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return refresh().onFailure().invoke(f -> LOG.warnf("hash bank refresh failed: %s", f.toString())).onFailure().recoverWithNull();
    }

    /** Rebuilds the index if the table changed since the last build. */
    public Uni<Void> refresh() {
        return pool.query("select generation from bank_generation where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("generation"))
                .chain(generation -> generation == snapshot.generation() ? Uni.createFrom().voidItem() : load(generation));
    }

    private Uni<Void> load(long generation) {
        Uni<List<Row>> banks = pool.query("""
                select b.*, (select count(*) from bank_hash h where h.bank = b.name) as size from hash_bank b order by name""").execute()
                .map(HashBanks::list);
        Uni<List<Row>> hashes = pool.query("select bank, hash, label from bank_hash order by id").execute().map(HashBanks::list);
        return Uni.combine().all().unis(banks, hashes).asTuple()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(t -> build(generation, t.getItem1(), t.getItem2()))
                .invoke(s -> snapshot = s).replaceWithVoid();
    }

    private static List<Row> list(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Row> out = new ArrayList<>(rows.size());
        rows.forEach(out::add);
        return out;
    }

    private static Snapshot build(long generation, List<Row> bankRows, List<Row> hashRows) {
        Map<String, BankInfo> banks = new HashMap<>();
        int max = 0;
        for (Row r : bankRows) {
            BankInfo b = new BankInfo(r.getString("name"), r.getString("category"), r.getString("decision"), r.getInteger("threshold"),
                    r.getString("description"), r.getLong("size"));
            banks.put(b.name(), b);
            max = Math.max(max, b.threshold());
        }
        List<PdqHash> hashes = new ArrayList<>(hashRows.size());
        String[] bankOf = new String[hashRows.size()];
        String[] labelOf = new String[hashRows.size()];
        int[] ids = new int[hashRows.size()];
        Map<String, Integer> perLabel = new HashMap<>();
        for (int i = 0; i < hashRows.size(); i++) {
            Row r = hashRows.get(i);
            hashes.add(PdqHash.fromHex(r.getString("hash")));
            bankOf[i] = r.getString("bank");
            labelOf[i] = r.getString("label");
            ids[i] = i;
            perLabel.merge(bankOf[i] + "/" + labelOf[i], 1, Integer::sum);
        }
        return new Snapshot(generation, new HashIndex(hashes, ids), bankOf, labelOf, Map.copyOf(banks), max, perLabel);
    }

    /** Every bank entry within its bank's threshold of the hash, nearest first. */
    public List<Hit> match(PdqHash hash) {
        Snapshot s = snapshot;
        List<Hit> hits = new ArrayList<>();
        for (HashIndex.Match m : s.index().query(hash, s.maxThreshold())) {
            BankInfo bank = s.banks().get(s.bankOf()[m.payload()]);
            if (bank != null && m.distance() <= bank.threshold()) {
                hits.add(new Hit(bank, m.distance(), s.labelOf()[m.payload()], s.index().hash(m.payload()), m.payload()));
            }
        }
        return hits;
    }

    /** How many hashes a bank holds under one label (e.g. all frames of one known video). */
    public int entriesWithLabel(String bank, String label) {
        return snapshot.entriesPerLabel().getOrDefault(bank + "/" + label, 0);
    }

    /** Changes whenever any bank changes; part of the classification cache key. */
    public long generation() {
        return snapshot.generation();
    }

    public long indexedHashes() {
        return snapshot.index().size();
    }

    public Uni<List<BankInfo>> banks() {
        return refresh().map(v -> snapshot.banks().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList());
    }

    public Uni<BankInfo> create(String name, String category, String decision, int threshold, String description) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BankError("bank name must be lower-case letters, digits and dashes (1-63), e.g. known-deepfakes", false);
        }
        if (category == null || category.isBlank() || category.length() > 64) {
            throw new BankError("category is required", false);
        }
        if (!"BLOCK".equals(decision) && !"REVIEW".equals(decision)) {
            throw new BankError("decision must be BLOCK or REVIEW", false);
        }
        int t = threshold == 0 ? DEFAULT_THRESHOLD : threshold;
        if (t < 0 || t > 47) {
            throw new BankError("threshold must be between 1 and 47 bits (default 31)", false);
        }
        return pool.preparedQuery("""
                insert into hash_bank (name, category, decision, threshold, description) values ($1, $2, $3, $4, $5)
                on conflict (name) do nothing""")
                .execute(Tuple.of(name, category, decision, t, description == null ? "" : description))
                .invoke(r -> {
                    if (r.rowCount() == 0) {
                        throw new BankError("bank " + name + " already exists", false);
                    }
                })
                .chain(this::refresh).map(v -> snapshot.banks().get(name));
    }

    public record Imported(int added, int duplicates, int lowQuality, BankInfo bank) {
    }

    /** Imports "HASH[,QUALITY[,LABEL]]" lines, all or nothing (see {@link ImportLines}). */
    public Uni<Imported> importLines(String bank, String text, String actor) {
        ImportLines.Parsed parsed = ImportLines.parse(text);
        List<Object[]> rows = parsed.rows().stream().map(r -> new Object[] { bank, r.hash(), r.quality(), r.label(), actor }).toList();
        int skipped = parsed.lowQuality();
        return requireBank(bank).chain(() -> pool.withTransaction(conn -> conn.preparedQuery("""
                insert into bank_hash (bank, hash, quality, label, added_by) values ($1, $2, $3, $4, $5) on conflict (bank, hash) do nothing""")
                .executeBatch(rows.stream().map(Tuple::from).toList())
                .map(result -> {
                    int added = 0;
                    for (var r = result; r != null; r = r.next()) {
                        added += r.rowCount();
                    }
                    return added;
                })))
                .call(this::refresh)
                .map(added -> new Imported(added, rows.size() - added, skipped, snapshot.banks().get(bank)));
    }

    public Uni<List<String>> export(String bank) {
        return requireBank(bank).chain(() -> pool.preparedQuery("select hash, quality, label from bank_hash where bank = $1 order by id")
                .execute(Tuple.of(bank)))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(ImportLines.exportLine(r.getString("hash"), r.getInteger("quality"), r.getString("label"))));
                    return out;
                });
    }

    public Uni<BankInfo> remove(String bank, String hash) {
        return requireBank(bank).chain(() -> pool.preparedQuery("delete from bank_hash where bank = $1 and hash = $2")
                .execute(Tuple.of(bank, hash == null ? "" : hash.toLowerCase(java.util.Locale.ROOT))))
                .invoke(r -> {
                    if (r.rowCount() == 0) {
                        throw new BankError("hash " + abbreviate(hash) + " is not in bank " + bank, true);
                    }
                })
                .call(this::refresh).map(v -> snapshot.banks().get(bank));
    }

    private Uni<Void> requireBank(String bank) {
        return pool.preparedQuery("select 1 from hash_bank where name = $1").execute(Tuple.of(bank == null ? "" : bank))
                .invoke(r -> {
                    if (!r.iterator().hasNext()) {
                        throw new BankError("no bank named '" + abbreviate(bank) + "'", true);
                    }
                }).replaceWithVoid();
    }

    private static String abbreviate(String s) {
        return ImportLines.abbreviate(s);
    }
}
