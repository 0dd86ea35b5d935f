package io.safeframe.likeness.uses;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.CameoUse;
import io.safeframe.likeness.consent.ConsentRules;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every generation that used a cameo. A use's id is the consent reference id: what the C2PA manifest asserts, an
 * opaque UUID that names neither the person nor anything biometric, and that the owner's list and a takedown point
 * to.
 */
@ApplicationScoped
public class CameoUses {

    private static final String COLUMNS = "id, job_id, requester, used_at, state, owner_review";

    /** Records the use (once per likeness and job: a retried check returns the same reference id). */
    public Uni<UUID> record(SqlClient sql, UUID likenessId, String owner, String handle, String jobId, String requester) {
        return sql.preparedQuery("""
                insert into likeness_use (id, likeness_id, owner_account, handle, job_id, requester)
                values ($1, $2, $3, $4, $5, $6)
                on conflict (likeness_id, job_id) do update set requester = likeness_use.requester
                returning id""")
                .execute(Tuple.tuple().addValue(UUID.randomUUID()).addValue(likenessId).addValue(owner).addValue(handle)
                        .addValue(jobId).addValue(requester))
                .map(rows -> rows.iterator().next().getUUID("id"));
    }

    /** The job's new state on its uses; returns them. */
    public Uni<List<CameoUse>> setState(SqlClient sql, String jobId, String state) {
        return sql.preparedQuery("update likeness_use set state = $2 where job_id = $1 returning " + COLUMNS)
                .execute(Tuple.of(jobId, state)).map(CameoUses::uses);
    }

    public Uni<List<CameoUse>> ofJob(SqlClient sql, String jobId) {
        return sql.preparedQuery("select " + COLUMNS + " from likeness_use where job_id = $1 order by id")
                .execute(Tuple.of(jobId)).map(CameoUses::uses);
    }

    public Uni<List<CameoUse>> ofOwner(SqlClient sql, String owner) {
        return sql.preparedQuery("select " + COLUMNS + " from likeness_use where owner_account = $1 order by used_at desc, id")
                .execute(Tuple.of(owner)).map(CameoUses::uses);
    }

    /**
     * After any consent change or publication: published uses of this cameo whose requester may no longer use it go
     * to the owner's review. The rule is ConsentRules', the same one every check asks. Returns how many were queued.
     */
    public Uni<Integer> queueWithdrawn(SqlClient sql, UUID likenessId, String owner, Audience audience, Set<String> grantees) {
        return sql.preparedQuery("select id, requester from likeness_use where likeness_id = $1 and state = 'PUBLISHED' and not owner_review")
                .execute(Tuple.of(likenessId)).chain(rows -> {
                    List<UUID> withdrawn = new ArrayList<>();
                    rows.forEach(r -> {
                        if (!ConsentRules.permitted(owner, audience, grantees, r.getString("requester"))) {
                            withdrawn.add(r.getUUID("id"));
                        }
                    });
                    if (withdrawn.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return sql.preparedQuery("update likeness_use set owner_review = true where id = any($1)")
                            .execute(Tuple.of(withdrawn.toArray(UUID[]::new))).map(r -> r.rowCount());
                });
    }

    /** Marks a published use of the owner's cameo for takedown; empty when it is not theirs or not published. */
    public Uni<List<CameoUse>> requestTakedown(SqlClient sql, String owner, UUID useId) {
        return sql.preparedQuery("""
                update likeness_use set takedown_requested_at = coalesce(takedown_requested_at, now())
                where id = $1 and owner_account = $2 and state = 'PUBLISHED' returning """ + " " + COLUMNS)
                .execute(Tuple.of(useId, owner)).map(CameoUses::uses);
    }

    private static List<CameoUse> uses(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<CameoUse> out = new ArrayList<>();
        rows.forEach(r -> out.add(CameoUse.newBuilder().setUseId(r.getUUID("id").toString()).setConsentReferenceId(r.getUUID("id").toString())
                .setJobId(r.getString("job_id")).setRequesterAccountId(r.getString("requester"))
                .setUsedAt(r.getOffsetDateTime("used_at").toString()).setState(r.getString("state"))
                .setOwnerReview(r.getBoolean("owner_review")).build()));
        return out;
    }
}
