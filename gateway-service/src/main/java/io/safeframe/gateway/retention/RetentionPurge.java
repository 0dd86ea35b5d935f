package io.safeframe.gateway.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.clips.ClipStore;
import io.safeframe.gateway.internal.PolicyClient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The scheduled purge of what the gateway must not keep for ever (docs/retention.md). A job blocked by a safety check
 * loses its prompt, its verdict evidence and its clips (object and row) once {@code safeframe.retention.blocked} has
 * passed; a published or failed job loses its verdict evidence after {@code finished-evidence}. The row itself stays
 * (quota, the audit chain and the owner's history point at it) with {@code purged_at} set. A job under legal hold is
 * skipped. Each batch locks its rows ({@code FOR UPDATE SKIP LOCKED}) while the objects are deleted, so replicas never
 * purge the same job and a hold placed meanwhile waits for the batch and then finds the job purged. Every run that
 * purged something is one audit event with its counts.
 */
@ApplicationScoped
public class RetentionPurge {

    private static final Logger LOG = Logger.getLogger(RetentionPurge.class);

    /** What one run removed. */
    public record Purged(int jobs, int prompts, int clips) {

        Purged plus(Purged other) {
            return new Purged(jobs + other.jobs, prompts + other.prompts, clips + other.clips);
        }
    }

    // the evidence a moderator needed, reduced to what the owner may see anyway: which rule, which category
    private static final String STRIPPED_VERDICTS = """
            (select coalesce(jsonb_agg((v - 'normalisation' - 'evidence') || jsonb_build_object('evidence',
                       coalesce((select jsonb_agg(jsonb_build_object('ruleId', e -> 'ruleId', 'category', e -> 'category'))
                                 from jsonb_array_elements(coalesce(v -> 'evidence', '[]'::jsonb)) e), '[]'::jsonb))
                     order by n), '[]'::jsonb)
             from jsonb_array_elements(verdicts::jsonb) with ordinality as x(v, n))::text""";

    private final Pool pool;
    private final ClipStore clips;
    private final PolicyClient policy;
    private final RetentionConfig config;

    public RetentionPurge(Pool pool, ClipStore clips, PolicyClient policy, RetentionConfig config) {
        this.pool = pool;
        this.clips = clips;
        this.policy = policy;
        this.config = config;
    }

    @Scheduled(every = "${safeframe.retention.every}", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge(Instant.now()).onFailure().invoke(e -> LOG.warnf("retention purge failed (retried at the next run): %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges everything due at {@code now}, batch after batch, then records one audit event if anything went. */
    public Uni<Purged> purge(Instant now) {
        OffsetDateTime blocked = now.minus(config.blocked()).atOffset(ZoneOffset.UTC);
        OffsetDateTime finished = now.minus(config.finishedEvidence()).atOffset(ZoneOffset.UTC);
        return batches(blocked, finished, new Purged(0, 0, 0)).call(total -> total.jobs() == 0 ? Uni.createFrom().voidItem()
                : policy.audit(AuditEvent.newBuilder()
                        .setContext(RequestContext.newBuilder().setActor("retention").setCorrelationId("retention-" + UUID.randomUUID()))
                        .setAction("retention.purged").setTarget("generation_job")
                        .setReason("retention: blocked jobs after " + config.blocked() + ", evidence after " + config.finishedEvidence())
                        .putAttributes("jobs", Integer.toString(total.jobs())).putAttributes("prompts", Integer.toString(total.prompts()))
                        .putAttributes("clips", Integer.toString(total.clips())).putAttributes("blocked_before", blocked.toString())
                        .putAttributes("finished_before", finished.toString()).build()));
    }

    private Uni<Purged> batches(OffsetDateTime blocked, OffsetDateTime finished, Purged sofar) {
        return pool.withTransaction(conn -> batch(conn, blocked, finished)).chain(one -> one.jobs() < config.batch()
                ? Uni.createFrom().item(sofar.plus(one))
                : batches(blocked, finished, sofar.plus(one)));
    }

    private Uni<Purged> batch(SqlConnection conn, OffsetDateTime blocked, OffsetDateTime finished) {
        return conn.preparedQuery("""
                select job_id, state = 'BLOCKED' as blocked from generation_job
                where purged_at is null and legal_hold_reason is null
                  and ((state = 'BLOCKED' and updated_at < $1) or (state in ('PUBLISHED', 'FAILED') and updated_at < $2))
                order by updated_at limit $3 for update skip locked""").execute(Tuple.of(blocked, finished, config.batch()))
                .chain(rows -> {
                    List<UUID> all = new ArrayList<>();
                    List<UUID> blockedJobs = new ArrayList<>();
                    rows.forEach(r -> {
                        all.add(r.getUUID("job_id"));
                        if (r.getBoolean("blocked")) {
                            blockedJobs.add(r.getUUID("job_id"));
                        }
                    });
                    if (all.isEmpty()) {
                        return Uni.createFrom().item(new Purged(0, 0, 0));
                    }
                    UUID[] ids = all.toArray(UUID[]::new);
                    UUID[] blockedIds = blockedJobs.toArray(UUID[]::new);
                    return deleteClips(conn, blockedIds).chain(clipCount -> conn.preparedQuery("""
                            update generation_job set prompt = case when state = 'BLOCKED' then null else prompt end,
                                   verdicts = """ + STRIPPED_VERDICTS + """
                            , purged_at = now(), version = version + 1
                            where job_id = any($1)""").execute(Tuple.of(ids))
                            .map(updated -> new Purged(updated.rowCount(), blockedIds.length, clipCount)));
                });
    }

    /** The objects first, then their rows: a failed delete leaves the row, and the next run tries the object again. */
    private Uni<Integer> deleteClips(SqlConnection conn, UUID[] blockedIds) {
        if (blockedIds.length == 0) {
            return Uni.createFrom().item(0);
        }
        return conn.preparedQuery("select object_key from job_video where job_id = any($1)").execute(Tuple.of(blockedIds))
                .chain(rows -> {
                    List<String> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(r.getString("object_key")));
                    Uni<Void> deleted = Uni.createFrom().voidItem();
                    for (String key : keys) {
                        deleted = deleted.chain(() -> clips.delete(key));
                    }
                    return deleted.chain(() -> conn.preparedQuery("delete from job_video where job_id = any($1)").execute(Tuple.of(blockedIds)))
                            .map(r -> keys.size());
                });
    }
}
