package io.safeframe.gateway.generation;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.MarkRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ReservationRef;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.safeframe.gateway.clips.ClipStore;
import io.safeframe.gateway.clips.ClipUnusable;
import io.safeframe.gateway.generation.JobStore.Job;
import io.safeframe.gateway.internal.FramesClient;
import io.safeframe.gateway.internal.GeneratorClient;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.ProvenanceClient;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.SafetyServiceUnavailable;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One step of the generation flow after screening (docs/architecture.md, steps 4–7): generate → classify → mark → publish,
 * and the wait for a moderator. Each step ends by moving the job on or postponing it; nothing reaches PUBLISHED
 * without a classifier verdict and a watermark. A safety service that does not answer postpones the step with
 * back-off (fail closed) until it returns or the job gives up, refunding the quota.
 */
@ApplicationScoped
public class JobSteps {

    private static final Logger LOG = Logger.getLogger(JobSteps.class);
    public static final String GENERATED = "GENERATED";
    public static final String MARKED = "MARKED";

    private final JobStore store;
    private final GeneratorClient generator;
    private final FramesClient frames;
    private final ProvenanceClient provenance;
    private final PolicyClient policy;
    private final ReportClient reports;
    private final int maxAttempts;
    private final Duration reviewPoll;
    private final JobMetrics metrics;
    private final io.safeframe.gateway.internal.LikenessClient likeness;
    private final boolean likenessChecks;
    private final ClipStore clips;

    public JobSteps(JobStore store, ClipStore clips, GeneratorClient generator, FramesClient frames, ProvenanceClient provenance, PolicyClient policy,
            ReportClient reports, JobMetrics metrics, io.safeframe.gateway.internal.LikenessClient likeness,
            @ConfigProperty(name = "safeframe.likeness.checks") boolean likenessChecks,
            @ConfigProperty(name = "safeframe.generation.max-attempts") int maxAttempts,
            @ConfigProperty(name = "safeframe.generation.review-poll") Duration reviewPoll) {
        this.likeness = likeness;
        this.clips = clips;
        this.likenessChecks = likenessChecks;
        this.store = store;
        this.generator = generator;
        this.frames = frames;
        this.provenance = provenance;
        this.policy = policy;
        this.reports = reports;
        this.maxAttempts = maxAttempts;
        this.reviewPoll = reviewPoll;
        this.metrics = metrics;
    }

    public Uni<Void> advance(Job job) {
        Uni<Void> step = switch (job.state()) {
            case SCREENING -> fail(job, "the request was interrupted while its prompt was screened; submit it again");
            case GENERATING -> metrics.timed(JobMetrics.GENERATE, () -> generate(job));
            case CLASSIFYING -> metrics.timed(JobMetrics.CLASSIFY, () -> classify(job));
            case MARKING -> mark(job);
            case HELD_FOR_REVIEW -> checkReview(job);
            default -> Uni.createFrom().voidItem();
        };
        return step.onFailure(JobSteps::isTransient).recoverWithUni(f -> waitFor(job, unavailableService(f)))
                .onFailure().recoverWithUni(f -> {
                    LOG.errorf(f, "job %s failed in %s", job.id(), job.state());
                    return fail(job, "generation failed in " + job.state() + ": " + f.getMessage());
                });
    }

    private Uni<Void> generate(Job job) {
        RequestContext ctx = context(job);
        GenerateRequest request = GenerateRequest.newBuilder().setContext(ctx).setPrompt(job.prompt())
                .setDurationSeconds(job.durationSeconds()).setAspect(job.aspect()).build();
        return generator.generate(request)
                .call(clip -> saveClip(job, GENERATED, clip.getVideo().toByteArray(), clip.getModel() + "/" + clip.getModelVersion()))
                .call(clip -> audit(ctx, job, "video.generated", Decision.ALLOW, clip.getFrames() + " frames " + clip.getWidth() + "x"
                        + clip.getHeight() + " by " + clip.getModel() + " " + clip.getModelVersion()))
                .chain(() -> store.move(job.id(), JobState.GENERATING, JobState.CLASSIFYING, null, null, null)).replaceWithVoid();
    }

    /**
     * Stores a clip: the object first, then the row that names it (fail closed: a put that fails or is cut fails the
     * step, which is retried; no row names an object that is not whole). An object the row named before is deleted
     * after the row moved on (best effort: the bucket's lifecycle rule takes what is left under generated/).
     */
    private Uni<Void> saveClip(Job job, String kind, byte[] media, String model) {
        return clips.upload(JobStore.objectKey(job.id(), kind, ClipStore.sha256(media)), media)
                .chain(stored -> store.saveVideo(job.id(), kind, stored, model))
                .call(replaced -> replaced == null ? Uni.createFrom().voidItem() : forget(replaced))
                .replaceWithVoid();
    }

    /** Deletes an object no row names any more; a failure only leaves it behind (logged). */
    private Uni<Void> forget(String key) {
        return clips.delete(key).onFailure().recoverWithUni(f -> {
            LOG.warnf("clip object %s no longer referenced but not deleted: %s", key, f.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * A job's clip, read back and checked against its row; null when there is none or it is unusable (object missing,
     * size or SHA-256 not the recorded ones): the step then makes it again rather than use bytes nobody checked.
     * Storage that does not answer is not "unusable": it fails the step as unavailable, and the step is retried.
     */
    private Uni<Clip> clip(Job job, String kind) {
        return store.video(job.id(), kind).chain(video -> video == null ? Uni.createFrom().nullItem()
                : clips.download(video.clip()).map(bytes -> new Clip(video, bytes))
                        .onFailure(ClipUnusable.class).recoverWithUni(f -> {
                            LOG.errorf("job %s: stored %s clip refused (%s); it is made again", job.id(), kind, f.getMessage());
                            return store.dropVideo(job.id(), kind).replaceWith((Clip) null);
                        }));
    }

    /** A clip's row and its checked bytes. */
    private record Clip(JobStore.Video video, byte[] media) {

        String model() {
            return video.model();
        }

        String sha256() {
            return video.sha256();
        }
    }

    private Uni<Void> classify(Job job) {
        RequestContext ctx = context(job);
        return clip(job, GENERATED).chain(clip -> {
            if (clip == null) {
                // no usable clip: render it again rather than publish anything unchecked
                return store.move(job.id(), JobState.CLASSIFYING, JobState.GENERATING, null, null, null).replaceWithVoid();
            }
            ClassifyVideoRequest request = ClassifyVideoRequest.newBuilder().setContext(ctx).setVideo(ByteString.copyFrom(clip.media()))
                    .setContentId(job.id().toString()).build();
            return frames.classifyVideo(request).chain(result -> {
                Verdict verdict = result.getVerdict();
                VerdictView view = VerdictView.of(verdict);
                Uni<Void> audited = audit(ctx, job, "video.classified", verdict.getDecision(), verdict.getReason());
                return switch (verdict.getDecision()) {
                    // a clip the classifier only holds is still checked for likeness: a face without consent blocks it
                    case ALLOW, REVIEW -> audited.chain(() -> checkLikeness(ctx, job, clip.media(), verdict, view));
                    default -> audited.chain(() -> commit(ctx, job, "video blocked by the frame classifier"))
                            .chain(() -> store.move(job.id(), JobState.CLASSIFYING, JobState.BLOCKED, view, null, null)).replaceWithVoid();
                };
            });
        });
    }

    /**
     * The faces in the clip against the likeness registry (a prompt can avoid every @handle and still show an enrolled
     * face): a confident match without consent blocks, an uncertain one holds the clip for a moderator, permitted ones
     * add their consent reference ids to the job. Runs after the classifier allowed or held the clip, as the same
     * step; the more severe of the two decides (a classifier hold stays a hold when the faces are fine).
     */
    private Uni<Void> checkLikeness(RequestContext ctx, Job job, byte[] media, Verdict classifier, VerdictView classifierView) {
        java.util.function.Supplier<Uni<Void>> afterFaces = () -> classifier.getDecision() == Decision.REVIEW
                ? hold(ctx, job, TargetKind.CONTENT, "VIDEO", classifier, classifierView)
                : store.move(job.id(), JobState.CLASSIFYING, JobState.MARKING, classifierView, null, null).replaceWithVoid();
        if (!likenessChecks) {
            return afterFaces.get();
        }
        return likeness.checkClip(io.safeframe.api.v1.CheckClipRequest.newBuilder().setContext(ctx).setMedia(ByteString.copyFrom(media))
                .setMediaType("video/mp4").setJobId(job.id().toString()).build()).chain(checked -> {
                    Verdict verdict = checked.getVerdict();
                    VerdictView view = VerdictView.of(verdict);
                    Uni<Void> audited = audit(ctx, job, "likeness.checked", verdict.getDecision(), verdict.getReason());
                    return switch (verdict.getDecision()) {
                        case ALLOW -> audited.chain(() -> store.addConsentRefs(job.id(), checked.getConsentedList().stream()
                                .map(io.safeframe.api.v1.ConsentedLikeness::getConsentReferenceId).toList()))
                                .chain(() -> afterFaces.get());
                        case REVIEW -> audited.chain(() -> hold(ctx, job, TargetKind.CONTENT, "VIDEO", verdict, view));
                        default -> audited.chain(() -> commit(ctx, job, "video blocked: likeness without consent"))
                                .chain(() -> useState(ctx, job, "BLOCKED"))
                                .chain(() -> store.move(job.id(), JobState.CLASSIFYING, JobState.BLOCKED, view, null, null)).replaceWithVoid();
                    };
                });
    }

    /** The registry's record of the job's cameo uses follows the job (the owner's list, revocation's review queue). */
    private Uni<Void> useState(RequestContext ctx, Job job, String state) {
        if (!likenessChecks) {
            return Uni.createFrom().voidItem();
        }
        return likeness.setUseState(io.safeframe.api.v1.UseStateRequest.newBuilder().setContext(ctx).setJobId(job.id().toString())
                .setState(state).build()).replaceWithVoid();
    }

    /**
     * A REVIEW verdict opens (or joins) a case and parks the job. The attempt counts against quota now: the user
     * asked for it, and a review may outlast the reservation.
     */
    Uni<Void> hold(RequestContext ctx, Job job, TargetKind kind, String stage, Verdict verdict, VerdictView view) {
        // the prompt goes with the case: the moderator's decision labels it (docs/safety-data.md)
        EnqueueRequest request = EnqueueRequest.newBuilder().setContext(ctx).setMachineVerdict(verdict)
                .setPromptText(job.prompt() == null ? "" : job.prompt())
                .setTarget(Target.newBuilder().setKind(kind).setId(job.id().toString()).setOwnerAccountId(job.accountId())).build();
        return reports.contentStatus(ctx, job.id().toString())
                .chain(before -> reports.enqueue(request)
                        .chain(() -> commit(ctx, job, "held for review"))
                        .chain(() -> store.holdForReview(job.id(), job.state(), stage, before.getDecisionId(), view)))
                .replaceWithVoid();
    }

    private Uni<Void> checkReview(Job job) {
        RequestContext ctx = context(job);
        return reports.contentStatus(ctx, job.id().toString()).chain(status -> {
            String decision = status.getDecisionId();
            if (decision.isEmpty() || decision.equals(job.reviewBaseline())) {
                return store.postpone(job.id(), null, reviewPoll, false);
            }
            boolean removed = status.getStatus().equals("REMOVED");
            VerdictView moderator = new VerdictView("moderator", removed ? "BLOCK" : "ALLOW", java.util.Map.of(), "case-decision", null,
                    removed ? "a moderator decided it may not be published" : "a moderator allowed it", java.util.List.of(), decision, null,
                    null);
            JobState next = removed ? JobState.BLOCKED : "PROMPT".equals(job.reviewStage()) ? JobState.GENERATING : JobState.MARKING;
            return audit(ctx, job, "review.decided", removed ? Decision.BLOCK : Decision.ALLOW, moderator.reason() + " (" + decision + ")")
                    .chain(() -> store.move(job.id(), JobState.HELD_FOR_REVIEW, next, moderator, null, null)).replaceWithVoid();
        });
    }

    private Uni<Void> mark(Job job) {
        RequestContext ctx = context(job);
        // a marked clip already stored (a retry after a crash) is published only once it reads back whole and unchanged;
        // otherwise (none, or refused and dropped) the generated clip is marked again
        return clip(job, MARKED).chain(done -> done != null ? publish(ctx, job, done.sha256())
                : clip(job, GENERATED).chain(clip -> {
                    if (clip == null) {
                        return store.move(job.id(), JobState.MARKING, JobState.GENERATING, null, null, null).replaceWithVoid();
                    }
                    String[] model = clip.model() == null ? new String[] { "unknown", "" } : clip.model().split("/", 2);
                    MarkRequest request = MarkRequest.newBuilder().setContext(ctx).setMedia(ByteString.copyFrom(clip.media()))
                            .setMediaType("video/mp4").setModel(model[0]).setModelVersion(model.length > 1 ? model[1] : "")
                            .setPromptVerdictId(job.promptVerdictId() == null ? "" : job.promptVerdictId())
                            // the manifest asserts the consent of every cameo used (reference ids only)
                            .addAllConsentReferenceIds(job.consentReferenceIds())
                            // a retry after a lost answer gets the same asset back instead of registering another
                            .setRequestId("generation:" + job.id()).build();
                    // timed apart from publishing: marking is provenance-service's part, publishing the commit and audit
                    return metrics.timed(JobMetrics.MARK, () -> provenance.mark(request)
                            // marked clip and its record first: a retry after a crash publishes it instead of marking twice
                            .call(marked -> saveClip(job, MARKED, marked.getMarkedMedia().toByteArray(), clip.model()))
                            .call(marked -> store.recordMark(job.id(), marked.getAssetId(), marked.getWatermarkPayload(), marked.getManifestSha256())))
                            .chain(marked -> publish(ctx, job, ClipStore.sha256(marked.getMarkedMedia().toByteArray())));
                }));
    }

    private Uni<Void> publish(RequestContext ctx, Job job, String sha256) {
        // the uses become PUBLISHED first (fail closed: a later revocation must find them to queue them for the owner)
        return metrics.timed(JobMetrics.PUBLISH, () -> (job.consentReferenceIds().isEmpty() ? Uni.createFrom().voidItem() : useState(ctx, job, "PUBLISHED"))
                .chain(() -> audit(ctx, job, "video.published", Decision.ALLOW, "watermarked and registered; sha256 " + sha256))
                .chain(() -> commit(ctx, job, "published"))
                .chain(() -> store.move(job.id(), JobState.MARKING, JobState.PUBLISHED, null, null, null))
                // the generated clip is no longer needed once the marked one is published: row first, then its object
                .chain(() -> store.dropVideo(job.id(), GENERATED))
                .chain(key -> key == null ? Uni.createFrom().voidItem() : forget(key)));
    }

    /**
     * "No answer" from a service: the gRPC failure translated by the clients, or the fault-tolerance layer around
     * them (timeout, open circuit, full bulkhead), which fails before or outside that translation.
     */
    static boolean isTransient(Throwable f) {
        return f instanceof SafetyServiceUnavailable || f instanceof FaultToleranceException;
    }

    /** The service a transient failure is about, for the user's "waiting for …" and the logs. */
    static String unavailableService(Throwable f) {
        if (f instanceof SafetyServiceUnavailable u) {
            return u.service;
        }
        String where = String.valueOf(f.getMessage());
        for (var client : CLIENT_SERVICES.entrySet()) {
            if (where.contains(client.getKey())) {
                return client.getValue();
            }
        }
        return "a safety service";
    }

    private static final java.util.Map<String, String> CLIENT_SERVICES = java.util.Map.of("GeneratorClient", "video-generator",
            "FramesClient", "frame-classifier-service", "ProvenanceClient", "provenance-service", "PolicyClient", "policy-service",
            "ReportClient", "report-service", "GuardClient", "prompt-guard", "LikenessClient", "likeness-service");

    /** A service did not answer: try again later with back-off, or give up and give the quota back. */
    private Uni<Void> waitFor(Job job, String service) {
        if (job.attempts() + 1 >= maxAttempts) {
            return fail(job, service + " stayed unavailable; the generation was stopped and not counted");
        }
        Duration delay = Duration.ofSeconds(Math.min(30, 1L << Math.min(job.attempts(), 5)));
        LOG.infof("job %s waits in %s: %s unavailable (attempt %d, next in %s)", job.id(), job.state(), service, job.attempts() + 1, delay);
        return store.postpone(job.id(), "waiting for " + service + " (unavailable); the job resumes by itself", delay, true);
    }

    /** The platform failed the user: the job ends and the reservation is refunded (best effort; it expires anyway). */
    private Uni<Void> fail(Job job, String why) {
        RequestContext ctx = context(job);
        return store.move(job.id(), job.state(), JobState.FAILED, null, why, 30)
                .call(moved -> moved ? policy.refund(ReservationRef.newBuilder().setContext(ctx).setReservationId(job.reservationId())
                        .setReason("platform failure: " + why).build()).onFailure().recoverWithNull() : Uni.createFrom().nullItem())
                .call(moved -> moved ? audit(ctx, job, "generation.failed", Decision.BLOCK, why).onFailure().recoverWithNull()
                        : Uni.createFrom().nullItem())
                .replaceWithVoid();
    }

    private Uni<Void> commit(RequestContext ctx, Job job, String reason) {
        return policy.commit(ReservationRef.newBuilder().setContext(ctx).setReservationId(job.reservationId()).setReason(reason).build())
                .replaceWithVoid();
    }

    private Uni<Void> audit(RequestContext ctx, Job job, String action, Decision decision, String reason) {
        return policy.audit(AuditEvent.newBuilder().setContext(ctx).setAction(action).setTarget(job.id().toString())
                .setDecision(decision == Decision.DECISION_UNSPECIFIED ? Decision.BLOCK : decision).setReason(reason).build()).replaceWithVoid();
    }

    private static RequestContext context(Job job) {
        // the band the job was submitted with: the clip's likeness check applies the same (teen) rule as the prompt's
        return RequestContext.newBuilder().setAccountId(job.accountId()).setActor("gateway-service")
                .setCorrelationId(job.correlationId()).setAgeBand(ageBand(job.ageBand())).build();
    }

    /** A job stored before age bands (null) gets UNSPECIFIED, the standard rules, as it had at submission. */
    private static io.safeframe.api.v1.AgeBand ageBand(String stored) {
        if (stored == null) {
            return io.safeframe.api.v1.AgeBand.AGE_BAND_UNSPECIFIED;
        }
        try {
            return io.safeframe.api.v1.AgeBand.valueOf(stored);
        } catch (IllegalArgumentException e) {
            return io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN; // unreadable: the stricter rules
        }
    }
}
