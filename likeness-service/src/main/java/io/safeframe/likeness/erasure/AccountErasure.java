package io.safeframe.likeness.erasure;

import io.safeframe.api.v1.ErasedClass;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.KeptClass;
import io.safeframe.likeness.registry.CameoStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Erases one account in likeness-service (GDPR Art. 17, docs/retention.md#erasure), in one transaction: its cameo is
 * unenrolled the way Unenrol does it (the wrapped data key and the descriptors go: crypto-shredding), and the grants
 * and use records naming the account (as owner, grantee or requester) are deleted. Idempotent.
 */
@ApplicationScoped
public class AccountErasure {

    private final Pool pool;
    private final CameoStore store;

    public AccountErasure(Pool pool, CameoStore store) {
        this.pool = pool;
        this.store = store;
    }

    public Uni<ErasureResult> erase(String account) {
        ErasureResult.Builder out = ErasureResult.newBuilder().setService("likeness-service");
        return pool.withTransaction(sql -> step(sql, out, "uses of the account's cameo and uses it requested",
                "delete from likeness_use where owner_account = $1 or requester = $1", account)
                .chain(() -> step(sql, out, "grants to the account", "delete from likeness_grant where account = $1", account))
                .chain(() -> store.cameoOfForUpdate(sql, account))
                .chain(cameo -> cameo.isEmpty() ? Uni.createFrom().voidItem()
                        : step(sql, out, "grants of the account's cameo", "delete from likeness_grant where likeness_id = $1",
                                cameo.get().id())
                                .chain(() -> store.delete(sql, cameo.get().id())).invoke(descriptors -> out
                                        .addErased(ErasedClass.newBuilder().setWhat("cameo (handle, wrapped key)").setCount(1))
                                        .addErased(ErasedClass.newBuilder().setWhat("face descriptors").setCount(Math.max(0, descriptors))))
                                .replaceWithVoid()))
                .map(v -> out.addKept(KeptClass.newBuilder().setWhat("consent events in the audit log")
                        .setWhy("kept by policy-service's audit chain, with the account replaced by its commitment; they never"
                                + " held a descriptor or a photo")).build());
    }

    private static Uni<Void> step(SqlConnection sql, ErasureResult.Builder out, String what, String statement, Object arg) {
        return sql.preparedQuery(statement).execute(Tuple.of(arg)).invoke(rows -> {
            if (rows.rowCount() > 0) {
                out.addErased(ErasedClass.newBuilder().setWhat(what).setCount(rows.rowCount()));
            }
        }).replaceWithVoid();
    }
}
