package io.safeframe.policy.audit;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The witness copy of the signed checkpoints, in a separate database where policy-service's role may only INSERT
 * and SELECT (witness/witness-schema.sql). Whoever holds policy-service's own database credentials can delete the
 * newest events together with their checkpoints; they cannot delete the witnessed copies, so the verifier names
 * the cut. Publishing copies every checkpoint not yet witnessed, right after it is committed and again on each
 * scheduled checkpoint, so a witness outage delays copies but loses none.
 */
@ApplicationScoped
public class AuditWitness {

    private static final Logger LOG = Logger.getLogger(AuditWitness.class);

    private final Pool db;
    private final Pool witness;

    public AuditWitness(Pool db, @ReactiveDataSource("witness") Pool witness) {
        this.db = db;
        this.witness = witness;
    }

    /** Copies every checkpoint newer than the newest witnessed one; returns how many were copied. */
    public Uni<Integer> publishPending() {
        return witness.query("select coalesce(max(checkpoint_id), 0) as last from witness_checkpoint").execute()
                .map(rows -> rows.iterator().next().getLong("last"))
                .chain(last -> db.preparedQuery("select * from audit_checkpoint where checkpoint_id > $1 order by checkpoint_id")
                        .execute(Tuple.of(last)))
                .chain(rows -> {
                    List<Tuple> copies = new ArrayList<>();
                    for (Row row : rows) {
                        AuditLog.Checkpoint c = AuditLog.Checkpoint.of(row);
                        copies.add(Tuple.from(new Object[] { c.id(), c.firstSeq(), c.lastSeq(), c.merkleRoot(), c.keyId(),
                                c.signature(), c.prevHash(), c.hash() }));
                    }
                    if (copies.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    // another replica may publish the same checkpoint at the same moment: the first copy stands
                    return witness.preparedQuery("""
                            insert into witness_checkpoint (checkpoint_id, first_seq, last_seq, merkle_root, key_id, signature,
                                                            prev_hash, checkpoint_hash)
                            values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (checkpoint_id) do nothing""")
                            .executeBatch(copies).replaceWith(copies.size());
                });
    }

    /** As {@link #publishPending()}, but a witness outage only logs: appends must not fail because of it. */
    public Uni<Void> publishQuietly() {
        return publishPending().onFailure().recoverWithItem(failure -> {
            LOG.warnf("audit witness unreachable, checkpoints will be copied on the next attempt: %s", failure.getMessage());
            return 0;
        }).replaceWithVoid();
    }

    /** Every witnessed checkpoint, oldest first. */
    public Uni<List<AuditLog.Checkpoint>> witnessed() {
        return witness.query("select * from witness_checkpoint order by checkpoint_id").execute().map(rows -> {
            List<AuditLog.Checkpoint> out = new ArrayList<>();
            rows.forEach(row -> out.add(AuditLog.Checkpoint.of(row)));
            return out;
        });
    }
}
