package io.safeframe.policy.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The append-only, hash-chained audit log. Batches are serialised by a transaction-scoped advisory lock so
 * that the chain has exactly one successor per event even with several replicas writing.
 */
@ApplicationScoped
public class AuditLog {

    /** Arbitrary constant naming the advisory lock that orders appends. */
    private static final long APPEND_LOCK = 0x5afe_f4a3_0001L;
    private static final int MAX_BATCH = 500;

    private final Pool pool;
    private final AuditKeys keys;
    private final AuditWitness witness;
    private final ObjectMapper json;
    private final int checkpointEvery;

    public AuditLog(Pool pool, AuditKeys keys, AuditWitness witness, ObjectMapper json,
            @ConfigProperty(name = "safeframe.audit.checkpoint-every", defaultValue = "100") int checkpointEvery) {
        this.pool = pool;
        this.keys = keys;
        this.witness = witness;
        this.json = json;
        this.checkpointEvery = checkpointEvery;
    }

    /** One waiting append and whoever waits for it. */
    private record Pending(AuditEntry draft, UniEmitter<? super AuditEntry> emitter) {
    }

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * Appends an event. Appends arriving while a batch is being written wait and go together in the next
     * transaction (group commit): the chain stays strictly ordered, but one lock and one commit serve many events.
     */
    public Uni<AuditEntry> append(AuditEntry draft) {
        return Uni.createFrom().emitter(emitter -> {
            queue.add(new Pending(draft, emitter));
            drain();
        });
    }

    private void drain() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<Pending> batch = new ArrayList<>();
        for (Pending p = queue.poll(); p != null; p = batch.size() < MAX_BATCH ? queue.poll() : null) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            writing.set(false);
            if (!queue.isEmpty()) {
                drain(); // an append slipped in between the poll and the reset
            }
            return;
        }
        writeBatch(batch).subscribe().with(sealed -> {
            writing.set(false);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).emitter().complete(sealed.get(i));
            }
            drain();
        }, failure -> {
            writing.set(false);
            batch.forEach(p -> p.emitter().fail(failure));
            drain();
        });
    }

    private Uni<List<AuditEntry>> writeBatch(List<Pending> batch) {
        List<AuditEntry> drafts = batch.stream().map(Pending::draft).toList();
        AtomicBoolean checkpointed = new AtomicBoolean();
        return pool.withTransaction(conn -> lock(conn).chain(() -> appendLocked(conn, drafts, checkpointed)))
                // after the commit: a new checkpoint goes to the witness at once
                .call(() -> checkpointed.get() ? witness.publishQuietly() : Uni.createFrom().voidItem());
    }

    /**
     * Seals what decisions enqueued in the outbox (their own transaction, see {@link AuditOutbox}) into the chain, in
     * enqueue order, and removes them from the outbox in the same transaction: each is sealed exactly once.
     */
    Uni<List<AuditEntry>> sealOutbox(int max) {
        AtomicBoolean checkpointed = new AtomicBoolean();
        return pool.withTransaction(conn -> lock(conn)
                .chain(() -> conn.preparedQuery("select id, draft from audit_outbox order by id limit $1").execute(Tuple.of(max)))
                .chain(rows -> {
                    List<Long> ids = new ArrayList<>();
                    List<AuditEntry> drafts = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getLong("id"));
                        drafts.add(AuditOutbox.draftOf(json, row.getJsonObject("draft")));
                    }
                    if (drafts.isEmpty()) {
                        return Uni.createFrom().item(List.<AuditEntry>of());
                    }
                    return appendLocked(conn, drafts, checkpointed)
                            .call(() -> conn.preparedQuery("delete from audit_outbox where id = any($1)")
                                    .execute(Tuple.of(ids.toArray(new Long[0]))));
                }))
                .call(() -> checkpointed.get() ? witness.publishQuietly() : Uni.createFrom().voidItem());
    }

    private static Uni<Void> lock(SqlConnection conn) {
        return conn.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(APPEND_LOCK)).replaceWithVoid();
    }

    /** Chains drafts after the last event; the caller holds the append lock in this transaction. */
    private Uni<List<AuditEntry>> appendLocked(SqlConnection conn, List<AuditEntry> drafts, AtomicBoolean checkpointed) {
        return conn.query("select seq, event_hash from audit_event order by seq desc limit 1").execute()
                .chain(rows -> {
                    long seq = 0;
                    String prevHash = AuditChain.GENESIS;
                    if (rows.iterator().hasNext()) {
                        Row last = rows.iterator().next();
                        seq = last.getLong("seq");
                        prevHash = last.getString("event_hash");
                    }
                    long firstSeq = seq + 1;
                    // millisecond precision: what PostgreSQL stores must hash the same when read back
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    List<AuditEntry> sealed = new ArrayList<>(drafts.size());
                    for (AuditEntry draft : drafts) {
                        AuditEntry e = draft.sealed(++seq, now, prevHash);
                        sealed.add(e);
                        prevHash = e.eventHash();
                    }
                    boolean crossesCheckpoint = (firstSeq - 1) / checkpointEvery != seq / checkpointEvery;
                    checkpointed.set(crossesCheckpoint);
                    return insert(conn, sealed)
                            .chain(() -> crossesCheckpoint ? checkpoint(conn) : Uni.createFrom().voidItem())
                            .replaceWith(sealed);
                });
    }

    private Uni<Void> insert(SqlConnection conn, List<AuditEntry> events) {
        List<Tuple> rows = new ArrayList<>(events.size());
        for (AuditEntry e : events) {
            rows.add(Tuple.from(new Object[] { e.seq(), OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC),
                    e.actor(), e.accountId(), e.action(), e.target(), e.decision(), e.reason(), e.correlationId(),
                    e.promptHmac(), toJson(e.attributes()), e.prevHash(), e.eventHash(), e.subjects().actorSalt(),
                    e.subjects().accountSalt() }));
        }
        return conn.preparedQuery("""
                insert into audit_event (seq, occurred_at, actor, account_id, action, target, decision, reason,
                                         correlation_id, prompt_hmac, attributes, prev_hash, event_hash, actor_salt,
                                         account_salt)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
                .executeBatch(rows)
                .replaceWithVoid();
    }

    /**
     * Seals every event since the last checkpoint under a signed Merkle root chained to the previous checkpoint,
     * then copies what the witness lacks. Called every N events and every T seconds.
     */
    public Uni<Void> checkpointNow() {
        return pool.withTransaction(conn -> lock(conn).chain(() -> checkpoint(conn)))
                .call(witness::publishQuietly);
    }

    private Uni<Void> checkpoint(SqlConnection conn) {
        return conn.query("select last_seq, first_seq, merkle_root, key_id, prev_hash from audit_checkpoint "
                + "order by last_seq desc limit 1").execute()
                .chain(rows -> {
                    long after = 0;
                    String prevCheckpoint = AuditChain.GENESIS;
                    if (rows.iterator().hasNext()) {
                        Row row = rows.iterator().next();
                        after = row.getLong("last_seq");
                        prevCheckpoint = new Checkpoint(0, row.getLong("first_seq"), after, row.getString("merkle_root"),
                                row.getString("key_id"), null, row.getString("prev_hash")).hash();
                    }
                    String prev = prevCheckpoint;
                    return conn.preparedQuery("select seq, event_hash from audit_event where seq > $1 order by seq")
                            .execute(Tuple.of(after)).chain(events -> seal(conn, events, prev));
                });
    }

    // signs the events after the last checkpoint, chained to that checkpoint's hash
    private Uni<Void> seal(SqlConnection conn, io.vertx.mutiny.sqlclient.RowSet<Row> rows, String prevCheckpoint) {
        List<String> hashes = new ArrayList<>();
        long first = -1;
        long last = -1;
        for (Row row : rows) {
            if (first < 0) {
                first = row.getLong("seq");
            }
            last = row.getLong("seq");
            hashes.add(row.getString("event_hash"));
        }
        if (hashes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long firstSeq = first;
        long lastSeq = last;
        String root = AuditChain.merkleRoot(hashes);
        AuditKeys.Signed signed = keys.sign(keyId -> AuditChain.checkpointStatement(firstSeq, lastSeq, root, prevCheckpoint, keyId));
        return conn.preparedQuery("""
                insert into audit_checkpoint (first_seq, last_seq, merkle_root, key_id, signature, prev_hash)
                values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.from(new Object[] { firstSeq, lastSeq, root, signed.keyId(), signed.signatureHex(), prevCheckpoint }))
                .replaceWithVoid();
    }

    public Uni<List<AuditEntry>> range(long fromSeq, long toSeq, int limit) {
        return pool.preparedQuery("select * from audit_event where seq >= $1 and seq <= $2 order by seq limit $3")
                .execute(Tuple.of(fromSeq, toSeq, limit))
                .map(rows -> {
                    List<AuditEntry> out = new ArrayList<>();
                    rows.forEach(row -> out.add(fromRow(row)));
                    return out;
                });
    }

    public Uni<List<AuditEntry>> forAccount(String accountId, int limit) {
        return pool.preparedQuery("select * from audit_event where account_id = $1 order by seq desc limit $2")
                .execute(Tuple.of(accountId, limit))
                .map(rows -> {
                    List<AuditEntry> out = new ArrayList<>();
                    rows.forEach(row -> out.add(fromRow(row)));
                    return out;
                });
    }

    public Uni<List<Checkpoint>> checkpoints(long fromSeq, long toSeq) {
        return pool.preparedQuery("""
                select * from audit_checkpoint where last_seq >= $1 and first_seq <= $2 order by first_seq""")
                .execute(Tuple.of(fromSeq, toSeq))
                .map(rows -> {
                    List<Checkpoint> out = new ArrayList<>();
                    rows.forEach(row -> out.add(Checkpoint.of(row)));
                    return out;
                });
    }

    AuditEntry fromRow(Row row) {
        return new AuditEntry(row.getLong("seq"), row.getOffsetDateTime("occurred_at").toInstant(),
                row.getString("actor"), row.getString("account_id"), row.getString("action"), row.getString("target"),
                row.getString("decision"), row.getString("reason"), row.getString("correlation_id"),
                row.getString("prompt_hmac"), fromJson(row.getString("attributes")), row.getString("prev_hash"),
                row.getString("event_hash"), subjects(row));
    }

    /** Null for events sealed before V9 (no salt and no commitment for either name). */
    private static Subjects subjects(Row row) {
        Subjects s = new Subjects(row.getString("actor_salt"), row.getString("actor_commit"), row.getString("account_salt"),
                row.getString("account_commit"));
        return s.actorSalt() == null && s.actorCommit() == null && s.accountSalt() == null && s.accountCommit() == null
                ? null : s;
    }

    private String toJson(TreeMap<String, String> attributes) {
        try {
            return json.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private TreeMap<String, String> fromJson(String text) {
        try {
            return json.readValue(text, new TypeReference<TreeMap<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            // a stored attribute blob that no longer parses is itself tampering; hash it as its raw text
            TreeMap<String, String> raw = new TreeMap<>();
            raw.put("<unparseable>", text);
            return raw;
        }
    }

    /**
     * A signed checkpoint. {@code prevHash} is the hash of the checkpoint before it (chained, v2); null marks a
     * legacy v1 checkpoint from before chaining, whose statement has no link and no key id.
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Checkpoint(long id, long firstSeq, long lastSeq, String merkleRoot, String keyId, String signature,
            String prevHash) {

        static Checkpoint of(Row row) {
            return new Checkpoint(row.getLong("checkpoint_id"), row.getLong("first_seq"), row.getLong("last_seq"),
                    row.getString("merkle_root"), row.getString("key_id"), row.getString("signature"), row.getString("prev_hash"));
        }

        /** The bytes the signature covers. */
        public byte[] statement() {
            return prevHash == null ? AuditChain.checkpointStatement(firstSeq, lastSeq, merkleRoot)
                    : AuditChain.checkpointStatement(firstSeq, lastSeq, merkleRoot, prevHash, keyId);
        }

        /** The link the next checkpoint signs. */
        public String hash() {
            return AuditChain.checkpointHash(statement());
        }
    }
}
