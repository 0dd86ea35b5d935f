package io.safeframe.gateway.generation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.gateway.clips.StoredClip;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The job runner's view of generation_job and job_video, in plain SQL: claims with leases
 * (FOR UPDATE SKIP LOCKED), and state moves guarded by the state they leave, so no step runs twice.
 */
@ApplicationScoped
public class JobStore {

    /** What a step needs of a job. */
    public record Job(UUID id, JobState state, String accountId, String prompt, int durationSeconds, String aspect,
            String reservationId, String correlationId, String reviewStage, String reviewBaseline, int attempts, String promptVerdictId,
            String traceParent, String consentRefs, String ageBand) {

        /** The consent reference ids recorded for the job, in order, without duplicates. */
        public java.util.List<String> consentReferenceIds() {
            return consentRefs == null || consentRefs.isBlank() ? java.util.List.of() : java.util.List.of(consentRefs.split(","));
        }
    }

    /** A job's clip: where it is stored and what its bytes must be, and the model that made it. */
    public record Video(StoredClip clip, String model) {

        public String sha256() {
            return clip.sha256();
        }
    }

    private static final String COLUMNS = """
            job_id, state, account_id, prompt, duration_seconds, aspect, reservation_id, correlation_id, review_stage,
            review_baseline, attempts, trace_parent, consent_refs, age_band,
            (select v ->> 'verdictId' from jsonb_array_elements(verdicts::jsonb) v where v ->> 'source' = 'prompt-guard' limit 1)
              as prompt_verdict_id""";

    private final Pool pool;
    private final ObjectMapper json;
    private final JobMetrics metrics;

    public JobStore(Pool pool, ObjectMapper json, JobMetrics metrics) {
        this.pool = pool;
        this.json = json;
        this.metrics = metrics;
    }

    /**
     * Leases up to {@code limit} jobs whose next step is due and that no live instance holds. A screening job is
     * only taken when its request has clearly died (the POST screens inline and normally finishes in a second).
     */
    public Uni<List<Job>> claimDue(int limit, Duration lease, String owner) {
        return pool.preparedQuery("""
                update generation_job set lease_owner = $3, lease_until = now() + make_interval(secs => $2)
                where job_id in (select job_id from generation_job
                                 where state in ('SCREENING', 'GENERATING', 'CLASSIFYING', 'MARKING', 'HELD_FOR_REVIEW')
                                   and next_attempt_at <= now() and (lease_until is null or lease_until < now())
                                   and (state <> 'SCREENING' or updated_at < now() - interval '60 seconds')
                                 -- furthest along first: under load, jobs finish one after another instead of
                                 -- all crawling forward together; among equals the oldest first
                                 order by case state when 'MARKING' then 0 when 'CLASSIFYING' then 1 when 'GENERATING' then 2
                                          else 3 end, created_at
                                 limit $1 for update skip locked)
                returning\s""" + COLUMNS)
                .execute(Tuple.of(limit, (double) lease.toSeconds(), owner))
                .map(rows -> {
                    List<Job> jobs = new ArrayList<>();
                    rows.forEach(r -> jobs.add(job(r)));
                    return jobs;
                });
    }

    public Uni<Void> renewLeases(List<UUID> ids, Duration lease, String owner) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                update generation_job set lease_until = now() + make_interval(secs => $2)
                where job_id = any($1) and lease_owner = $3""")
                .execute(Tuple.of(ids.toArray(UUID[]::new), (double) lease.toSeconds(), owner)).replaceWithVoid();
    }

    /** Moves a job on and releases it; false when it was no longer in {@code from} (someone else moved it). */
    public Uni<Boolean> move(UUID id, JobState from, JobState to, VerdictView verdict, String failure, Integer retryAfter) {
        boolean finished = to.finished();
        return pool.preparedQuery("""
                update generation_job set state = $3,
                    verdicts = case when $4::text is null then verdicts else (verdicts::jsonb || jsonb_build_array($4::jsonb))::text end,
                    failure = $5, retry_after_s = $6, attempts = 0, next_attempt_at = now(), lease_owner = null, lease_until = null,
                    prompt = case when $7 then null else prompt end,
                    published_at = case when $3 = 'PUBLISHED' then now() else published_at end,
                    pipeline_since = case when $2 = 'HELD_FOR_REVIEW' then now() else pipeline_since end,
                    updated_at = now(), version = version + 1
                where job_id = $1 and state = $2""")
                .execute(Tuple.from(new Object[] { id, from.name(), to.name(), verdict == null ? null : write(verdict), failure,
                        retryAfter, finished }))
                .map(rows -> rows.rowCount() == 1)
                .invoke(moved -> {
                    if (moved) {
                        metrics.entered(to);
                    }
                });
    }

    /** The step could not run now (a service is away): try again after {@code delay}, telling the user why. */
    public Uni<Void> postpone(UUID id, String why, Duration delay, boolean countAsFailure) {
        return pool.preparedQuery("""
                update generation_job set failure = $2, retry_after_s = $3, next_attempt_at = now() + make_interval(secs => $3),
                    attempts = attempts + $4, lease_owner = null, lease_until = null, updated_at = now(), version = version + 1
                where job_id = $1""")
                .execute(Tuple.of(id, why, (int) Math.max(1, delay.toSeconds()), countAsFailure ? 1 : 0)).replaceWithVoid();
    }

    /**
     * Parks a job until a moderator decides; {@code baseline} is the content decision already on record, if any.
     * The verdict is bound as text and cast: a parameter typed jsonb would take a Java String as a JSON string value.
     */
    /**
     * Published jobs whose prompt was screened under a policy version (by its document label) since an instant, newest
     * first, at most {@code limit}: one arm of a canary, for its user-report rate.
     */
    public Uni<List<String>> publishedUnderPolicy(String policyLabel, java.time.Instant since, int limit) {
        return pool.preparedQuery("""
                select job_id::text as id from generation_job where state = 'PUBLISHED' and created_at >= $2
                  and verdicts::jsonb @> jsonb_build_array(jsonb_build_object('source', 'prompt-guard', 'policyVersion', $1::text))
                order by created_at desc limit $3""")
                .execute(Tuple.of(policyLabel, since.atOffset(java.time.ZoneOffset.UTC), limit))
                .map(rows -> {
                    List<String> ids = new java.util.ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString("id")));
                    return ids;
                });
    }

    /** Of these jobs, the published ones and their owners (a retroactive run re-checks published videos only). */
    public Uni<java.util.Map<String, String>> publishedOwners(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        return pool.preparedQuery("select job_id::text as id, account_id from generation_job where job_id = any($1) and state = 'PUBLISHED'")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
                    java.util.Map<String, String> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put(r.getString("id"), r.getString("account_id")));
                    return out;
                });
    }

    public Uni<Boolean> holdForReview(UUID id, JobState from, String stage, String baseline, VerdictView verdict) {
        return pool.preparedQuery("""
                update generation_job set state = 'HELD_FOR_REVIEW', review_stage = $3, review_baseline = $4,
                    verdicts = (verdicts::jsonb || jsonb_build_array($5::text::jsonb))::text, failure = null, retry_after_s = null,
                    attempts = 0, next_attempt_at = now() + interval '2 seconds', lease_owner = null, lease_until = null,
                    updated_at = now(), version = version + 1
                where job_id = $1 and state = $2""")
                .execute(Tuple.from(new Object[] { id, from.name(), stage, baseline, write(verdict) }))
                .map(rows -> rows.rowCount() == 1)
                .invoke(held -> {
                    if (held) {
                        metrics.entered(JobState.HELD_FOR_REVIEW);
                    }
                });
    }

    public Uni<Void> recordMark(UUID id, String assetId, String payload, String manifestSha256) {
        return pool.preparedQuery("update generation_job set asset_id = $2, watermark_payload = $3, manifest_sha256 = $4 where job_id = $1")
                .execute(Tuple.of(id, assetId, payload, manifestSha256)).replaceWithVoid();
    }

    /**
     * Records a clip whose object is already stored (the object first, then this row: a committed row always names a
     * whole object). Returns the key of the object the row named before, when it was another one: the caller deletes it.
     */
    public Uni<String> saveVideo(UUID id, String kind, StoredClip clip, String model) {
        return pool.preparedQuery("""
                with before as (select object_key from job_video where job_id = $1 and kind = $2)
                insert into job_video (job_id, kind, object_key, size_bytes, sha256, model) values ($1, $2, $3, $4, $5, $6)
                on conflict (job_id, kind) do update set object_key = excluded.object_key, size_bytes = excluded.size_bytes,
                    sha256 = excluded.sha256, model = excluded.model, created_at = now()
                returning (select object_key from before) as replaced""")
                .execute(Tuple.of(id, kind, clip.key(), clip.size(), clip.sha256(), model))
                .map(rows -> {
                    for (Row r : rows) {
                        String replaced = r.getString("replaced");
                        return replaced == null || replaced.equals(clip.key()) ? null : replaced;
                    }
                    return null;
                });
    }

    public Uni<Video> video(UUID id, String kind) {
        return pool.preparedQuery("select object_key, size_bytes, sha256, model from job_video where job_id = $1 and kind = $2")
                .execute(Tuple.of(id, kind))
                .map(rows -> {
                    for (Row r : rows) {
                        return new Video(new StoredClip(r.getString("object_key"), r.getString("sha256"), r.getLong("size_bytes")),
                                r.getString("model"));
                    }
                    return null;
                });
    }

    /** Forgets the clip; returns the key of its object (null when there was none), which the caller deletes after. */
    public Uni<String> dropVideo(UUID id, String kind) {
        return pool.preparedQuery("delete from job_video where job_id = $1 and kind = $2 returning object_key").execute(Tuple.of(id, kind))
                .map(rows -> {
                    for (Row r : rows) {
                        return r.getString("object_key");
                    }
                    return null;
                });
    }

    /**
     * The object key of a job's clip: by kind (the lifecycle rule expires {@code generated/} only), then job, then the
     * content's SHA-256, so a clip made again is a new object and never overwrites one a row still names.
     */
    public static String objectKey(UUID job, String kind, String sha256) {
        return kind.toLowerCase(java.util.Locale.ROOT) + "/" + job + "/" + sha256 + ".mp4";
    }

    private static Job job(Row r) {
        return new Job(r.getUUID("job_id"), JobState.valueOf(r.getString("state")), r.getString("account_id"), r.getString("prompt"),
                r.getInteger("duration_seconds"), r.getString("aspect"), r.getString("reservation_id"), r.getString("correlation_id"),
                r.getString("review_stage"), r.getString("review_baseline"), r.getInteger("attempts"), r.getString("prompt_verdict_id"),
                r.getString("trace_parent"), r.getString("consent_refs"), r.getString("age_band"));
    }

    /** Adds consent reference ids to the job's (the prompt's and the clip's checks may each name some). */
    public Uni<Void> addConsentRefs(UUID id, java.util.List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("select consent_refs from generation_job where job_id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
                    for (Row r : rows) {
                        String existing = r.getString("consent_refs");
                        if (existing != null && !existing.isBlank()) {
                            all.addAll(java.util.List.of(existing.split(",")));
                        }
                    }
                    all.addAll(ids);
                    return pool.preparedQuery("update generation_job set consent_refs = $2 where job_id = $1")
                            .execute(Tuple.of(id, String.join(",", all)));
                }).replaceWithVoid();
    }

    private String write(VerdictView verdict) {
        try {
            return json.writeValueAsString(verdict);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
