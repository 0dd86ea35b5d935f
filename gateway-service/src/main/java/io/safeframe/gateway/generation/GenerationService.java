package io.safeframe.gateway.generation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ReservationRef;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.gateway.internal.GuardClient;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.internal.StepTraces;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.gateway.problem.ApiException;
import io.safeframe.gateway.problem.SafetyServiceUnavailable;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The first half of the generation flow (docs/architecture.md, steps 1–3): authorise and reserve quota, screen the
 * prompt, and record the job with every verdict. Fail closed at each step.
 */
@ApplicationScoped
public class GenerationService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(GenerationService.class);

    private final PolicyClient policy;
    private final GuardClient guard;
    private final ReportClient reports;
    private final io.safeframe.gateway.feedback.LabellingOffers labellingOffers;
    private final ObjectMapper json;
    private final int retryAfterSeconds;
    private final JobMetrics metrics;
    private final io.safeframe.gateway.internal.LikenessClient likeness;
    private final JobStore jobs;
    private final boolean likenessChecks;

    public GenerationService(PolicyClient policy, GuardClient guard, ReportClient reports, ObjectMapper json, JobMetrics metrics,
            io.safeframe.gateway.internal.LikenessClient likeness, JobStore jobs,
            io.safeframe.gateway.feedback.LabellingOffers labellingOffers,
            @ConfigProperty(name = "safeframe.likeness.checks") boolean likenessChecks,
            @ConfigProperty(name = "safeframe.fail-closed.retry-after-seconds", defaultValue = "5") int retryAfterSeconds) {
        this.likeness = likeness;
        this.jobs = jobs;
        this.likenessChecks = likenessChecks;
        this.policy = policy;
        this.guard = guard;
        this.reports = reports;
        this.labellingOffers = labellingOffers;
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
        this.metrics = metrics;
    }

    public record Submitted(GenerationJob job, boolean replay) {
    }

    /**
     * A new generation, or the original answer to a retry. The quota reservation's key is made here, on the server:
     * the account's own Idempotency-Key, or else the new job's id — never a client tracing header, which anyone can
     * replay. A retry must name the same request (fingerprint), otherwise it is refused with 422.
     */
    public Uni<Submitted> submit(RequestContext ctx, String prompt, int durationSeconds, String aspect, String idempotencyKey) {
        String fingerprint = RequestFingerprint.of(prompt, durationSeconds, aspect);
        // read while the request's span is current: continuations after a database or gRPC call may run on a thread
        // that does not carry it, and a job stored without it would trace each later step as a trace of its own
        String traceParent = JobTracing.traceParent();
        // the same for the calls this request makes after its first answer (screening, audit, the trend observation
        // nobody waits for): they start in the request's trace whatever thread runs them
        io.opentelemetry.context.Context request = io.opentelemetry.context.Context.current();
        StepTraces.begin(ctx.getCorrelationId(), request);
        return existing(ctx.getAccountId(), idempotencyKey).chain(found -> {
            if (found == null) {
                return authorizeAndScreen(ctx, prompt, durationSeconds, aspect, idempotencyKey, fingerprint, traceParent)
                        .map(j -> new Submitted(j, false));
            }
            if (found.requestFingerprint != null && !found.requestFingerprint.equals(fingerprint)) {
                throw RequestFingerprint.reused();
            }
            return Uni.createFrom().item(new Submitted(found, true));
        }).onTermination().invoke(() -> StepTraces.end(ctx.getCorrelationId(), request));
    }

    private Uni<GenerationJob> existing(String accountId, String idempotencyKey) {
        if (idempotencyKey == null) {
            return Uni.createFrom().nullItem();
        }
        return Panache.withSession(() -> GenerationJob
                .<GenerationJob>find("accountId = ?1 and idempotencyKey = ?2", accountId, idempotencyKey).firstResult());
    }

    private Uni<GenerationJob> authorizeAndScreen(RequestContext ctx, String prompt, int durationSeconds, String aspect,
            String idempotencyKey, String fingerprint, String traceParent) {
        UUID jobId = UUID.randomUUID();
        AuthorizeRequest authorize = AuthorizeRequest.newBuilder().setContext(ctx).setAction("generation")
                .setVideoSeconds(durationSeconds)
                .setIdempotencyKey(idempotencyKey == null ? "job:" + jobId : "client:" + idempotencyKey)
                .setRequestFingerprint(fingerprint).build();
        return policy.authorize(authorize).chain(auth -> {
            if (!auth.getGranted()) {
                throw refusal(auth.getVerdict());
            }
            GenerationJob job = new GenerationJob();
            job.jobId = jobId;
            job.accountId = ctx.getAccountId();
            job.idempotencyKey = idempotencyKey;
            job.requestFingerprint = fingerprint;
            job.state = JobState.SCREENING;
            job.prompt = prompt;
            job.durationSeconds = durationSeconds;
            job.aspect = aspect;
            job.reservationId = auth.getReservationId();
            job.correlationId = ctx.getCorrelationId();
            job.traceParent = traceParent;
            job.ageBand = ctx.getAgeBand().name();
            job.verdicts = write(List.of(VerdictView.of(auth.getVerdict())));
            job.createdAt = Instant.now();
            job.updatedAt = job.createdAt;
            return Panache.withTransaction(job::persist).replaceWith(job)
                    .invoke(saved -> metrics.entered(JobState.SCREENING))
                    .chain(saved -> screen(ctx, saved));
        });
    }

    /** policy-service's refusal as the app's problem: 403 for the account's standing, 422 for a misused key, else 429. */
    private static ApiException refusal(io.safeframe.api.v1.Verdict verdict) {
        String rule = verdict.getRuleId();
        Map<String, Object> extra = Map.of("verdict", VerdictView.of(verdict).forOwner());
        if (rule.startsWith("policy:ACCOUNT_")) {
            return new ApiException(403, "account-restricted", "Your account may not generate videos", verdict.getReason(), extra);
        }
        if (rule.startsWith("policy:IDEMPOTENCY_KEY_")) {
            return new ApiException(422, "idempotency-key-reused", "Idempotency-Key already used", verdict.getReason(), extra);
        }
        return new ApiException(429, "quota", "Usage limit reached", verdict.getReason(), extra);
    }

    /**
     * The likeness registry first: a prompt naming a cameo its owner did not allow is blocked before anything else
     * reads it, with the registry's reason ("@x has not allowed you to use their likeness"); cameos used with consent
     * are recorded on the job for the manifest. Then prompt-guard.
     */
    private Uni<GenerationJob> screen(RequestContext ctx, GenerationJob job) {
        if (!likenessChecks) {
            return screenText(ctx, job);
        }
        io.safeframe.api.v1.CheckPromptRequest check = io.safeframe.api.v1.CheckPromptRequest.newBuilder().setContext(ctx)
                .setPrompt(job.prompt).setJobId(job.jobId.toString()).build();
        return likeness.checkPrompt(check)
                .onFailure(SafetyServiceUnavailable.class).call(f -> fail(ctx, job, (SafetyServiceUnavailable) f))
                .chain(checked -> checked.getVerdict().getDecision() == Decision.ALLOW
                        ? jobs.addConsentRefs(job.jobId, checked.getConsentedList().stream()
                                .map(io.safeframe.api.v1.ConsentedLikeness::getConsentReferenceId).toList())
                                .chain(() -> screenText(ctx, job))
                        : decide(ctx, job, ScreenResponse.newBuilder().setVerdict(checked.getVerdict()).build()));
    }

    private Uni<GenerationJob> screenText(RequestContext ctx, GenerationJob job) {
        ScreenRequest request = ScreenRequest.newBuilder().setContext(ctx).setText(job.prompt).build();
        return metrics.timed(JobMetrics.SCREEN, () -> guard.screen(request))
                .onFailure(SafetyServiceUnavailable.class).call(f -> fail(ctx, job, (SafetyServiceUnavailable) f))
                .chain(screened -> decide(ctx, job, screened));
    }

    /** The platform failed the user: the quota comes back and the job says when to retry. */
    private Uni<Void> fail(RequestContext ctx, GenerationJob job, SafetyServiceUnavailable why) {
        return update(job.jobId, j -> {
            j.state = JobState.FAILED;
            j.failure = why.getMessage();
            j.retryAfterSeconds = retryAfterSeconds;
            j.prompt = null;
        }).invoke(j -> metrics.entered(JobState.FAILED)).chain(() -> policy.refund(ReservationRef.newBuilder().setContext(ctx).setReservationId(job.reservationId)
                .setReason("platform failure: " + why.service + " unavailable").build()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<GenerationJob> decide(RequestContext ctx, GenerationJob job, ScreenResponse screened) {
        Decision decision = screened.getVerdict().getDecision();
        observeTrend(ctx, screened);
        labellingOffers.offer(ctx, job.prompt, screened);
        JobState next = switch (decision) {
            case ALLOW -> JobState.GENERATING;
            case REVIEW -> JobState.HELD_FOR_REVIEW;
            default -> JobState.BLOCKED;
        };
        AuditEvent event = AuditEvent.newBuilder().setContext(ctx).setAction("prompt.screened")
                .setTarget(job.jobId.toString()).setDecision(decision == Decision.DECISION_UNSPECIFIED ? Decision.BLOCK : decision)
                .setReason(screened.getVerdict().getReason()).setPromptToHash(job.prompt)
                .putAttributes("rule", screened.getVerdict().getRuleId())
                .putAttributes("policy_version", screened.getVerdict().getPolicyVersion()).build();
        Uni<?> reservation = next != JobState.GENERATING
                // a BLOCK is the user's doing, not a platform failure: the generation counts; so does a hold, which
                // may outlast the reservation (the job runner publishes approved ones without a second charge)
                ? policy.commit(ReservationRef.newBuilder().setContext(ctx).setReservationId(job.reservationId)
                        .setReason(next == JobState.BLOCKED ? "prompt blocked" : "prompt held for review").build())
                : Uni.createFrom().voidItem();
        return policy.audit(event)
                .call(receipt -> receipt.hasAnomaly() ? flagAccount(ctx, receipt.getAnomaly()) : Uni.createFrom().voidItem())
                .chain(() -> reservation)
                .chain(() -> next == JobState.HELD_FOR_REVIEW ? openCase(ctx, job, screened.getVerdict()) : Uni.createFrom().voidItem())
                .chain(() -> update(job.jobId, j -> {
                    List<VerdictView> verdicts = new ArrayList<>(read(j.verdicts));
                    verdicts.add(VerdictView.ofScreening(screened));
                    j.verdicts = write(verdicts);
                    // the prompt stays: the generator needs it on ALLOW, the moderator and the appeal on REVIEW/BLOCK
                    j.state = next;
                    if (next == JobState.HELD_FOR_REVIEW) {
                        j.reviewStage = "PROMPT";
                    }
                }).invoke(j -> metrics.entered(next)));
    }

    /**
     * Every screened prompt feeds platform-wide trend detection (report-service: campaigns of new accounts, category
     * spikes) as its signature only. Nobody waits for it: a lost observation weakens a statistic, never a verdict.
     */
    private void observeTrend(RequestContext ctx, ScreenResponse screened) {
        io.safeframe.api.v1.Verdict verdict = screened.getVerdict();
        boolean flagged = verdict.getDecision() == Decision.REVIEW || verdict.getDecision() == Decision.BLOCK;
        String category = flagged ? verdict.getCategoriesList().stream().max(java.util.Comparator.comparingDouble(io.safeframe.api.v1.CategoryScore::getScore))
                .map(io.safeframe.api.v1.CategoryScore::getCategory).orElse("") : "";
        reports.observe(io.safeframe.api.v1.ContentObservation.newBuilder().setContext(ctx).setKind("PROMPT")
                .setSignature(screened.getNearDuplicateSignature()).setCategory(category).setDecision(verdict.getDecision()).build())
                .subscribe().with(ignored -> {
                }, f -> LOG.debugf("trend observation for %s not recorded: %s", ctx.getCorrelationId(), f.toString()));
    }

    /**
     * A held prompt must reach a human: without its case the job would wait forever, so when report-service
     * cannot take it the job fails like any unavailable safety step (quota back, retry hint).
     */
    private Uni<Void> openCase(RequestContext ctx, GenerationJob job, io.safeframe.api.v1.Verdict verdict) {
        // the prompt goes with the case: the moderator's decision labels it (docs/safety-data.md)
        EnqueueRequest request = EnqueueRequest.newBuilder().setContext(ctx).setMachineVerdict(verdict).setPromptText(job.prompt)
                .setTarget(Target.newBuilder().setKind(TargetKind.PROMPT).setId(job.jobId.toString()).setOwnerAccountId(job.accountId))
                .build();
        return reports.enqueue(request).replaceWithVoid()
                .onFailure(SafetyServiceUnavailable.class).call(f -> fail(ctx, job, (SafetyServiceUnavailable) f));
    }

    /** Anomalous usage opens an account case; the user's request does not fail over it. */
    private Uni<Void> flagAccount(RequestContext ctx, io.safeframe.api.v1.Verdict anomaly) {
        EnqueueRequest request = EnqueueRequest.newBuilder().setContext(ctx).setMachineVerdict(anomaly)
                .setTarget(Target.newBuilder().setKind(TargetKind.ACCOUNT).setId(ctx.getAccountId())).build();
        return reports.enqueue(request).replaceWithVoid().onFailure().invoke(f -> LOG.warnf("anomaly flag %s for %s not queued: %s",
                anomaly.getVerdictId(), ctx.getAccountId(), f.toString())).onFailure().recoverWithNull();
    }

    Uni<GenerationJob> update(UUID id, java.util.function.Consumer<GenerationJob> change) {
        return Panache.withTransaction(() -> GenerationJob.<GenerationJob>findById(id).map(j -> {
            change.accept(j);
            j.updatedAt = Instant.now();
            return j;
        }));
    }

    public Uni<GenerationJob> find(UUID id) {
        return Panache.withSession(() -> GenerationJob.<GenerationJob>findById(id));
    }

    /** The job as its owner sees it: every verdict reduced to category and a human reason (see VerdictView#forOwner). */
    public JobView ownerView(GenerationJob j) {
        JobView full = view(j);
        return new JobView(full.id(), full.state(), full.durationSeconds(), full.aspect(),
                full.verdicts().stream().map(VerdictView::forOwner).toList(), full.failure(), full.retryAfterSeconds(),
                full.appeal(), full.video(), full.provenance(), full.createdAt(), full.updatedAt(), full.publishedAt());
    }

    /** The job as staff see it, with the full evidence of every verdict. */
    public JobView view(GenerationJob j) {
        String appeal = j.state == JobState.BLOCKED ? "/v1/generations/" + j.jobId + "/appeal" : null;
        boolean published = j.state == JobState.PUBLISHED;
        JobView.Provenance provenance = published ? new JobView.Provenance(j.assetId, j.watermarkPayload, j.manifestSha256) : null;
        return new JobView(j.jobId.toString(), j.state.name(), j.durationSeconds, j.aspect, read(j.verdicts), j.failure,
                j.retryAfterSeconds, appeal, published ? "/v1/generations/" + j.jobId + "/video" : null, provenance, j.createdAt,
                j.updatedAt, j.publishedAt);
    }

    List<VerdictView> read(String text) {
        try {
            return json.readValue(text, new TypeReference<List<VerdictView>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored verdicts unreadable", e);
        }
    }

    String write(List<VerdictView> verdicts) {
        try {
            return json.writeValueAsString(verdicts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
