package io.safeframe.gateway.generation;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "generation_job")
public class GenerationJob extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    @Column(name = "account_id")
    public String accountId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** SHA-256 of prompt and parameters: a replayed Idempotency-Key must name the same request. */
    @Column(name = "request_fingerprint")
    public String requestFingerprint;

    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    public JobState state;

    /** Kept only while a job is screened or held for review; cleared once it is decided. */
    public String prompt;

    @Column(name = "duration_seconds")
    public int durationSeconds;

    public String aspect;

    @Column(name = "reservation_id")
    public String reservationId;

    @Column(name = "correlation_id")
    public String correlationId;

    /** W3C traceparent of the submitting request (JobTracing): the job's later steps join its trace. */
    @Column(name = "trace_parent")
    public String traceParent;

    /** Consent reference ids of the cameos used with consent, comma-separated (likeness registry). */
    @Column(name = "consent_refs")
    public String consentRefs;

    /** The submitter's age band at submission (AgeBand name): the job's later checks apply the same profile. */
    @Column(name = "age_band")
    public String ageBand;

    /** JSON array of the verdicts collected so far (policy, prompt-guard, ...). */
    public String verdicts;

    public String failure;

    @Column(name = "retry_after_s")
    public Integer retryAfterSeconds;

    @Column(name = "asset_id")
    public String assetId;

    /** PROMPT or VIDEO: which half of the flow a hold paused. */
    @Column(name = "review_stage")
    public String reviewStage;

    @Column(name = "watermark_payload")
    public String watermarkPayload;

    @Column(name = "manifest_sha256")
    public String manifestSha256;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** When retention removed the prompt, the verdict evidence and (for a blocked job) the clips; null while kept. */
    @Column(name = "purged_at")
    public Instant purgedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;
}
