package io.safeframe.gateway.erasure;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.safeframe.api.v1.ErasedClass;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.KeptClass;
import io.safeframe.gateway.clips.ClipStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The gateway's own part of an erasure: every generation job of the account (prompt, verdict evidence, the row) and
 * its clips, object and row, published ones included (a published clip is the user's content). A job under legal
 * hold is left whole and named in the answer. One transaction with the jobs locked, objects deleted before their rows
 * as the retention purge does: a failed object delete rolls everything back and a retry deletes it again (deleting an
 * object already gone is not an error).
 */
@ApplicationScoped
public class GatewayErasure {

    /** What the gateway erased, and the held jobs it had to keep. */
    public record Result(ErasureResult erasure, List<String> heldJobs) {
    }

    private final Pool pool;
    private final ClipStore clips;

    public GatewayErasure(Pool pool, ClipStore clips) {
        this.pool = pool;
        this.clips = clips;
    }

    public Uni<Result> erase(String account) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                select job_id, legal_hold_reason is not null as held from generation_job where account_id = $1
                order by created_at for update""").execute(Tuple.of(account)).chain(rows -> {
            List<UUID> jobs = new ArrayList<>();
            List<String> held = new ArrayList<>();
            rows.forEach(r -> {
                if (r.getBoolean("held")) {
                    held.add(r.getUUID("job_id").toString());
                } else {
                    jobs.add(r.getUUID("job_id"));
                }
            });
            UUID[] ids = jobs.toArray(UUID[]::new);
            return deleteClips(conn, ids).chain(clipCount -> conn.preparedQuery("delete from generation_job where job_id = any($1)")
                    .execute(Tuple.of((Object) ids)).map(deleted -> {
                        ErasureResult.Builder out = ErasureResult.newBuilder().setService("gateway-service");
                        if (deleted.rowCount() > 0) {
                            out.addErased(ErasedClass.newBuilder().setWhat("generations (prompt, verdict evidence, the job)")
                                    .setCount(deleted.rowCount()));
                        }
                        if (clipCount > 0) {
                            out.addErased(ErasedClass.newBuilder().setWhat("clips, published ones included (object and record)")
                                    .setCount(clipCount));
                        }
                        if (!held.isEmpty()) {
                            out.addKept(KeptClass.newBuilder().setWhat(held.size() + " generations under legal hold")
                                    .setWhy("kept whole for a legal request until an admin releases the hold; erase again then"));
                        }
                        return new Result(out.build(), held);
                    }));
        }));
    }

    private Uni<Integer> deleteClips(SqlConnection conn, UUID[] jobs) {
        return conn.preparedQuery("select object_key from job_video where job_id = any($1)").execute(Tuple.of((Object) jobs))
                .chain(rows -> {
                    List<String> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(r.getString("object_key")));
                    Uni<Void> deleted = Uni.createFrom().voidItem();
                    for (String key : keys) {
                        deleted = deleted.chain(() -> clips.delete(key));
                    }
                    return deleted.chain(() -> conn.preparedQuery("delete from job_video where job_id = any($1)")
                            .execute(Tuple.of((Object) jobs))).map(r -> keys.size());
                });
    }
}
