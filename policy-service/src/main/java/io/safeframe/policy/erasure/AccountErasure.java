package io.safeframe.policy.erasure;

import java.util.List;

import io.safeframe.api.v1.ErasedClass;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.KeptClass;
import io.safeframe.policy.AuditOutboxRelay;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Erases one account in policy-service (GDPR Art. 17, docs/retention.md#erasure) in one transaction: its rows go,
 * and in the audit log its name is replaced by the salted commitment the chain hashes (see
 * {@link io.safeframe.policy.audit.Subjects}), so the chain verifies afterwards. Idempotent: a second run finds nothing.
 */
@ApplicationScoped
public class AccountErasure {

    /** Rows that exist only because of the account, table by table (each has an {@code account_id} column). */
    private static final List<String> TABLES = List.of("screening_window", "reservation", "quota_day", "quota_minute",
            "usage_signal", "anomaly_flag", "sanction", "account");

    // The same SHA-256(salt || UTF-8 name) as Subjects.commit, in SQL so that name and salt never leave the database.
    private static final String ERASE_ACCOUNT = """
            update audit_event set account_commit = encode(sha256(decode(account_salt, 'hex') || convert_to(account_id, 'UTF8')), 'hex'),
                   account_id = null, account_salt = null
            where account_id = $1 and account_salt is not null""";
    private static final String ERASE_ACTOR = """
            update audit_event set actor_commit = encode(sha256(decode(actor_salt, 'hex') || convert_to(actor, 'UTF8')), 'hex'),
                   actor = null, actor_salt = null
            where actor = $1 and actor_salt is not null""";

    private final Pool pool;
    private final AuditOutboxRelay relay;

    public AccountErasure(Pool pool, AuditOutboxRelay relay) {
        this.pool = pool;
        this.relay = relay;
    }

    public Uni<ErasureResult> erase(String account) {
        // events still queued in the outbox would be sealed with the name after the erasure: seal them first
        return relay.sealNow().chain(() -> pool.withTransaction(conn -> eraseIn(conn, account)));
    }

    private Uni<ErasureResult> eraseIn(SqlConnection conn, String account) {
        ErasureResult.Builder out = ErasureResult.newBuilder().setService("policy-service");
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String table : TABLES) {
            chain = chain.chain(() -> count(conn, "delete from " + table + " where account_id = $1", account, table, out));
        }
        return chain
                .chain(() -> count(conn, ERASE_ACCOUNT, account, "audit_event.account_id (replaced by its commitment)", out))
                .chain(() -> count(conn, ERASE_ACTOR, account, "audit_event.actor (replaced by its commitment)", out))
                .chain(() -> conn.preparedQuery("select count(*) from audit_event where account_id = $1 or actor = $1")
                        .execute(Tuple.of(account)))
                .map(rows -> {
                    long legacy = rows.iterator().next().getLong(0);
                    out.addKept(KeptClass.newBuilder().setWhat("audit events about the account").setWhy(
                            "the tamper-evident audit log must stay whole to prove what was decided; the account id (as"
                                    + " subject and as actor) is replaced by a salted SHA-256 commitment whose salt is deleted,"
                                    + " and prompts were only ever stored as keyed hashes"));
                    if (legacy > 0) {
                        out.addKept(KeptClass.newBuilder().setWhat(legacy + " audit events sealed before erasable subjects (V9)")
                                .setWhy("they hash the account id itself: removing it would break the chain"));
                    }
                    return out.build();
                });
    }

    private static Uni<Void> count(SqlConnection conn, String sql, String account, String what, ErasureResult.Builder out) {
        return conn.preparedQuery(sql).execute(Tuple.of(account)).invoke(rows -> {
            if (rows.rowCount() > 0) {
                out.addErased(ErasedClass.newBuilder().setWhat(what).setCount(rows.rowCount()));
            }
        }).replaceWithVoid();
    }
}
