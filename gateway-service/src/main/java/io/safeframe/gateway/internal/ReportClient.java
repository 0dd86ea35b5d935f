package io.safeframe.gateway.internal;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.AppealList;
import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CaseRequest;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.ContentStatus;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.JsonLine;
import io.safeframe.api.v1.MutinyReportServiceGrpc.MutinyReportServiceStub;
import io.safeframe.api.v1.NoticeList;
import io.safeframe.api.v1.NoticesRequest;
import io.safeframe.api.v1.QueueList;
import io.safeframe.api.v1.QueuesRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TransparencyRequest;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * report-service as the gateway sees it. Nothing here retries: filing, deciding and appealing are not
 * idempotent, and a duplicate is refused by the service anyway. The service's own refusals become the
 * matching HTTP problems; "no answer" becomes 503 like every safety call.
 */
@ApplicationScoped
public class ReportClient {

    private static final String SERVICE = "report-service";

    @GrpcClient("report")
    MutinyReportServiceStub report;

    private MutinyReportServiceStub stub(RequestContext ctx) {
        return SafetyCall.withCorrelation(report, ctx);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS, skipOn = ApiException.class)
    public Uni<CaseRef> file(FileReportRequest request) {
        return call(stub(request.getContext()).fileReport(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS, skipOn = ApiException.class)
    public Uni<CaseRef> enqueue(EnqueueRequest request) {
        return call(stub(request.getContext()).enqueue(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<QueueList> queues(RequestContext ctx) {
        return call(stub(ctx).listQueues(QueuesRequest.newBuilder().setContext(ctx).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.CaseList> cases(RequestContext ctx, String queue, int limit, boolean likenessTakedownsOnly) {
        return call(stub(ctx).listCases(io.safeframe.api.v1.CasesRequest.newBuilder().setContext(ctx).setQueue(queue).setLimit(limit)
                .setLikenessTakedownsOnly(likenessTakedownsOnly).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CaseDetail> claim(RequestContext ctx, String queue, int leaseSeconds, boolean likenessTakedownsOnly) {
        return call(stub(ctx).claimNext(ClaimRequest.newBuilder().setContext(ctx).setQueue(queue).setLeaseSeconds(leaseSeconds)
                .setLikenessTakedownsOnly(likenessTakedownsOnly).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CaseDetail> claimCase(RequestContext ctx, String caseId) {
        return call(stub(ctx).claimCase(CaseRequest.newBuilder().setContext(ctx).setCaseId(caseId).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CaseRef> release(RequestContext ctx, String caseId) {
        return call(stub(ctx).releaseCase(CaseRequest.newBuilder().setContext(ctx).setCaseId(caseId).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CaseDetail> get(RequestContext ctx, String caseId) {
        return call(stub(ctx).getCase(CaseRequest.newBuilder().setContext(ctx).setCaseId(caseId).build()));
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<DecisionRecord> decide(DecideRequest request) {
        return call(stub(request.getContext()).decide(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<AppealRecord> appeal(AppealRequest request) {
        return call(stub(request.getContext()).appeal(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<AppealList> appeals(RequestContext ctx) {
        return call(stub(ctx).listAppeals(QueuesRequest.newBuilder().setContext(ctx).build()));
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<AppealRecord> resolve(ResolveAppealRequest request) {
        return call(stub(request.getContext()).resolveAppeal(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<NoticeList> notices(RequestContext ctx) {
        return call(stub(ctx).listNotices(NoticesRequest.newBuilder().setContext(ctx).setAccountId(ctx.getAccountId()).build()));
    }

    /** Everything report-service keeps about the caller, as the caller may see it (reporters and moderators left out there). */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.AccountRecords> accountRecords(RequestContext ctx) {
        return call(stub(ctx).exportAccount(NoticesRequest.newBuilder().setContext(ctx).setAccountId(ctx.getAccountId()).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<ContentStatus> contentStatus(RequestContext ctx, String contentId) {
        return call(stub(ctx).getContentStatus(Target.newBuilder().setId(contentId).build()));
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<List<String>> statements(TransparencyRequest request) {
        return call(stub(request.getContext()).exportStatements(request).map(JsonLine::getJson).collect().asList());
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<String> transparencyReport(TransparencyRequest request) {
        return call(stub(request.getContext()).transparencyReport(request).map(JsonLine::getJson));
    }

    /**
     * A screened prompt, as its near-duplicate signature, for platform-wide trends. Callers do not wait for it (it is
     * not on the user's path), so it has a short timeout and no circuit breaker of its own.
     */
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ObservationResult> observe(io.safeframe.api.v1.ContentObservation observation) {
        return call(stub(observation.getContext()).observeContent(observation));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.WebhookEventList> webhookEvents(RequestContext ctx, String state, int limit) {
        return call(stub(ctx).listWebhookEvents(io.safeframe.api.v1.WebhookEventsRequest.newBuilder().setContext(ctx)
                .setState(state).setLimit(limit).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.WebhookEventList> replayWebhooks(io.safeframe.api.v1.ReplayWebhooksRequest request) {
        return call(stub(request.getContext()).replayWebhookEvents(request));
    }

    /** The owner's dispute of a blocked or held generation (docs/safety-data.md). */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CaseRef> dispute(io.safeframe.api.v1.DisputeRequest request) {
        return call(stub(request.getContext()).dispute(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.AccountSettings> settings(RequestContext ctx) {
        return call(stub(ctx).getAccountSettings(NoticesRequest.newBuilder().setContext(ctx).setAccountId(ctx.getAccountId()).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.AccountSettings> putSettings(io.safeframe.api.v1.AccountSettings request) {
        return call(stub(request.getContext()).putAccountSettings(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.LabelList> labels(io.safeframe.api.v1.LabelsRequest request) {
        return call(stub(request.getContext()).listLabels(request));
    }

    /** Which of these published videos people reported (a canary arm's user-report rate). */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ReportedContentList> reportedContent(io.safeframe.api.v1.ReportedContentRequest request) {
        return call(stub(request.getContext()).reportedContent(request));
    }

    /** Active learning: an uncertain screening offered for a human label; report-service decides whether it is queued. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.LabellingOfferResult> offerForLabelling(io.safeframe.api.v1.LabellingOffer offer) {
        return call(stub(offer.getContext()).offerForLabelling(offer));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.LabellingList> labelling(RequestContext ctx, int limit) {
        return call(stub(ctx).listLabelling(io.safeframe.api.v1.LabellingListRequest.newBuilder().setContext(ctx).setLimit(limit).build()));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.LabellingItem> labelItem(io.safeframe.api.v1.LabelItemRequest request) {
        return call(stub(request.getContext()).labelItem(request));
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.DatasetSnapshot> createDataset(io.safeframe.api.v1.CreateDatasetRequest request) {
        return call(stub(request.getContext()).createDataset(request));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.DatasetList> datasets(RequestContext ctx) {
        return call(stub(ctx).listDatasets(QueuesRequest.newBuilder().setContext(ctx).build()));
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.DatasetFile> datasetFile(io.safeframe.api.v1.DatasetFileRequest request) {
        return call(stub(request.getContext()).getDatasetFile(request));
    }

    /** QA (docs/moderator-care.md): the oldest blind second review waiting for this moderator, without the first decision. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<CaseDetail> claimQaReview(io.safeframe.api.v1.QaClaimRequest request) {
        return call(stub(request.getContext()).claimQaReview(request));
    }

    /** Records a second review; it acts on nothing, so it is no more dangerous to repeat than a refusal. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.QaReview> recordQaReview(io.safeframe.api.v1.QaReviewRequest request) {
        return call(stub(request.getContext()).recordQaReview(request));
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.QaAgreementReport> qaAgreement(RequestContext ctx) {
        return call(stub(ctx).qaAgreement(io.safeframe.api.v1.QaAgreementRequest.newBuilder().setContext(ctx).build()));
    }

    private static <T> Uni<T> call(Uni<T> call) {
        return SafetyCall.answer(call, SERVICE);
    }

    /** Erasure of one account in report-service (docs/retention.md#erasure); idempotent, so the caller may retry it. */
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<io.safeframe.api.v1.ErasureResult> erase(io.safeframe.api.v1.EraseAccountRequest request) {
        return call(stub(request.getContext()).eraseAccount(request));
    }
}
