package io.safeframe.frames.retro;

import io.safeframe.api.v1.ErasedClass;
import io.safeframe.api.v1.ErasureResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Erases one account in frame-classifier (GDPR Art. 17, docs/retention.md#erasure): the frame hashes kept of its
 * clips for retroactive matching and the matches found on them. The clips themselves are deleted by the gateway, so
 * there is nothing left for a retroactive check to find; a case already opened lives in report-service. Idempotent.
 */
@ApplicationScoped
public class AccountErasure {

    private final Pool pool;

    public AccountErasure(Pool pool) {
        this.pool = pool;
    }

    public Uni<ErasureResult> erase(String account) {
        ErasureResult.Builder out = ErasureResult.newBuilder().setService("frame-classifier-service");
        return pool.withTransaction(sql -> step(sql, out, "retroactive matches on the account's clips",
                "delete from retro_match where owner_account = $1", account)
                .chain(() -> step(sql, out, "frame hashes of the account's clips", "delete from seen_frame where owner_account = $1",
                        account)))
                .map(v -> out.build());
    }

    private static Uni<Void> step(SqlConnection sql, ErasureResult.Builder out, String what, String statement, String account) {
        return sql.preparedQuery(statement).execute(Tuple.of(account)).invoke(rows -> {
            if (rows.rowCount() > 0) {
                out.addErased(ErasedClass.newBuilder().setWhat(what).setCount(rows.rowCount()));
            }
        }).replaceWithVoid();
    }
}
