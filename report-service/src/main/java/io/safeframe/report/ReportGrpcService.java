package io.safeframe.report;

import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.AccountRecords;
import io.safeframe.api.v1.AppealList;
import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseList;
import io.safeframe.api.v1.CasesRequest;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CaseRequest;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.ContentObservation;
import io.safeframe.api.v1.ContentStatus;
import io.safeframe.api.v1.ObservationResult;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.JsonLine;
import io.safeframe.api.v1.NoticeList;
import io.safeframe.api.v1.NoticesRequest;
import io.safeframe.api.v1.QueueList;
import io.safeframe.api.v1.QueuesRequest;
import io.safeframe.api.v1.ReportService;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TransparencyRequest;
import io.safeframe.report.appeal.Appeals;
import io.safeframe.report.consent.TrainingConsent;
import io.safeframe.report.dataset.Datasets;
import io.safeframe.report.label.Disputes;
import io.safeframe.report.label.Labels;
import io.safeframe.report.export.AccountExport;
import io.safeframe.report.decision.Decisions;
import io.safeframe.report.intake.ReportIntake;
import io.safeframe.report.notice.Notices;
import io.safeframe.report.queue.CaseQueue;
import io.safeframe.report.qa.AgreementFigures;
import io.safeframe.report.qa.SecondReviews;
import io.safeframe.report.transparency.TransparencyExports;
import io.smallrye.mutiny.Multi;
import io.safeframe.report.trends.CampaignDetector;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The gRPC edge. Who may call what (user, moderator, admin) is decided by the gateway from the token; this
 * service trusts context.actor as the gateway set it and enforces the rules that depend on data: only the
 * claim holder decides, only the affected account or a reporter appeals, the decider never reviews the appeal.
 */
@GrpcService
public class ReportGrpcService implements ReportService {

    private final ReportIntake intake;
    private final CaseQueue queue;
    private final Decisions decisions;
    private final Appeals appeals;
    private final Notices notices;
    private final TransparencyExports transparency;
    private final AccountExport accountExport;
    private final Pool pool;
    private final CampaignDetector campaigns;
    private final io.safeframe.report.webhook.WebhookAdmin webhooks;
    private final Disputes disputes;
    private final Labels labels;
    private final TrainingConsent consent;
    private final Datasets datasets;
    private final io.safeframe.report.label.LabellingQueue labelling;
    private final SecondReviews secondReviews;
    private final AgreementFigures agreement;
    private final io.safeframe.report.erasure.AccountErasure erasure;

    public ReportGrpcService(ReportIntake intake, CaseQueue queue, Decisions decisions, Appeals appeals, Notices notices,
            TransparencyExports transparency, AccountExport accountExport, Pool pool, CampaignDetector campaigns,
            io.safeframe.report.webhook.WebhookAdmin webhooks, Disputes disputes, Labels labels, TrainingConsent consent,
            Datasets datasets, io.safeframe.report.label.LabellingQueue labelling, SecondReviews secondReviews,
            AgreementFigures agreement, io.safeframe.report.erasure.AccountErasure erasure) {
        this.erasure = erasure;
        this.labelling = labelling;
        this.secondReviews = secondReviews;
        this.agreement = agreement;
        this.disputes = disputes;
        this.labels = labels;
        this.consent = consent;
        this.datasets = datasets;
        this.campaigns = campaigns;
        this.webhooks = webhooks;
        this.accountExport = accountExport;
        this.intake = intake;
        this.queue = queue;
        this.decisions = decisions;
        this.appeals = appeals;
        this.notices = notices;
        this.transparency = transparency;
        this.pool = pool;
    }

    @Override
    public Uni<CaseRef> fileReport(FileReportRequest request) {
        return Uni.createFrom().deferred(() -> intake.file(request));
    }

    @Override
    public Uni<CaseRef> enqueue(EnqueueRequest request) {
        return Uni.createFrom().deferred(() -> intake.enqueue(request));
    }

    @Override
    public Uni<DecisionRecord> decide(DecideRequest request) {
        return Uni.createFrom().deferred(() -> decisions.decide(request));
    }

    @Override
    public Uni<AppealRecord> appeal(AppealRequest request) {
        return Uni.createFrom().deferred(() -> appeals.file(request));
    }

    @Override
    public Uni<QueueList> listQueues(QueuesRequest request) {
        return queue.queues();
    }

    @Override
    public Uni<CaseList> listCases(CasesRequest request) {
        return Uni.createFrom().deferred(() -> queue.list(request.getContext(), request.getQueue(), request.getLimit(),
                request.getLikenessTakedownsOnly()));
    }

    @Override
    public Uni<CaseDetail> claimNext(ClaimRequest request) {
        return Uni.createFrom().deferred(() -> queue.claimNext(request.getContext(), request.getQueue(), request.getLeaseSeconds(),
                request.getLikenessTakedownsOnly()));
    }

    @Override
    public Uni<CaseDetail> claimCase(CaseRequest request) {
        return Uni.createFrom().deferred(() -> queue.claim(request.getContext(), request.getCaseId()));
    }

    @Override
    public Uni<CaseRef> releaseCase(CaseRequest request) {
        return Uni.createFrom().deferred(() -> queue.release(request.getContext(), request.getCaseId()));
    }

    @Override
    public Uni<CaseDetail> getCase(CaseRequest request) {
        // the holder of a blind second-review claim on the case gets it without its first decision
        return Uni.createFrom().deferred(() -> queue.get(request.getCaseId()))
                .chain(detail -> secondReviews.forViewer(request.getContext().getActor(), detail));
    }

    @Override
    public Uni<AppealList> listAppeals(QueuesRequest request) {
        return appeals.pending();
    }

    @Override
    public Uni<AppealRecord> resolveAppeal(ResolveAppealRequest request) {
        return Uni.createFrom().deferred(() -> appeals.resolve(request));
    }

    @Override
    public Uni<NoticeList> listNotices(NoticesRequest request) {
        return Uni.createFrom().deferred(() -> notices.of(Refusal.requireText(request.getAccountId(), "account_id", 200)));
    }

    @Override
    public Uni<AccountRecords> exportAccount(NoticesRequest request) {
        return Uni.createFrom().deferred(() -> accountExport.of(Refusal.requireText(request.getAccountId(), "account_id", 200)));
    }

    @Override
    public Uni<io.safeframe.api.v1.ErasureResult> eraseAccount(io.safeframe.api.v1.EraseAccountRequest request) {
        return Uni.createFrom().deferred(() -> erasure.erase(Refusal.requireText(request.getAccountId(), "account_id", 200)));
    }

    @Override
    public Uni<ObservationResult> observeContent(ContentObservation request) {
        return Uni.createFrom().deferred(() -> campaigns.observe(request));
    }

    @Override
    public Uni<ContentStatus> getContentStatus(Target request) {
        return Uni.createFrom().deferred(() -> pool.preparedQuery("select status, decision_id from content_status where target_id = $1")
                .execute(Tuple.of(Refusal.requireText(request.getId(), "id", 200)))
                .map(rows -> {
                    ContentStatus.Builder b = ContentStatus.newBuilder().setTargetId(request.getId()).setStatus("VISIBLE");
                    rows.forEach(r -> b.setStatus(r.getString("status")).setDecisionId(String.valueOf(r.getUUID("decision_id"))));
                    return b.build();
                }));
    }

    @Override
    public Multi<JsonLine> exportStatements(TransparencyRequest request) {
        return Multi.createFrom().deferred(() -> transparency.statements(TransparencyExports.range(request)))
                .map(json -> JsonLine.newBuilder().setJson(json).build());
    }

    @Override
    public Uni<JsonLine> transparencyReport(TransparencyRequest request) {
        return Uni.createFrom().deferred(() -> transparency.report(TransparencyExports.range(request)))
                .map(json -> JsonLine.newBuilder().setJson(json).build());
    }

    @Override
    public Uni<io.safeframe.api.v1.WebhookEventList> listWebhookEvents(io.safeframe.api.v1.WebhookEventsRequest request) {
        return Uni.createFrom().deferred(() -> webhooks.list(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.WebhookEventList> replayWebhookEvents(io.safeframe.api.v1.ReplayWebhooksRequest request) {
        return Uni.createFrom().deferred(() -> webhooks.replay(request));
    }

    @Override
    public Uni<CaseRef> dispute(io.safeframe.api.v1.DisputeRequest request) {
        return Uni.createFrom().deferred(() -> disputes.dispute(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.AccountSettings> getAccountSettings(NoticesRequest request) {
        return Uni.createFrom().deferred(() -> consent.get(Refusal.requireText(request.getAccountId(), "account_id", 200)));
    }

    @Override
    public Uni<io.safeframe.api.v1.AccountSettings> putAccountSettings(io.safeframe.api.v1.AccountSettings request) {
        return Uni.createFrom().deferred(() -> consent.put(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.LabelList> listLabels(io.safeframe.api.v1.LabelsRequest request) {
        return Uni.createFrom().deferred(() -> labels.list(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.DatasetSnapshot> createDataset(io.safeframe.api.v1.CreateDatasetRequest request) {
        return Uni.createFrom().deferred(() -> datasets.create(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.DatasetList> listDatasets(QueuesRequest request) {
        return Uni.createFrom().deferred(datasets::list);
    }

    @Override
    public Uni<io.safeframe.api.v1.DatasetFile> getDatasetFile(io.safeframe.api.v1.DatasetFileRequest request) {
        return Uni.createFrom().deferred(() -> datasets.file(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.LabellingOfferResult> offerForLabelling(io.safeframe.api.v1.LabellingOffer request) {
        return Uni.createFrom().deferred(() -> labelling.offer(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.LabellingList> listLabelling(io.safeframe.api.v1.LabellingListRequest request) {
        return Uni.createFrom().deferred(() -> labelling.pending(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.LabellingItem> labelItem(io.safeframe.api.v1.LabelItemRequest request) {
        return Uni.createFrom().deferred(() -> labelling.label(request));
    }

    @Override
    public Uni<CaseDetail> claimQaReview(io.safeframe.api.v1.QaClaimRequest request) {
        return Uni.createFrom().deferred(() -> secondReviews.claim(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.QaReview> recordQaReview(io.safeframe.api.v1.QaReviewRequest request) {
        return Uni.createFrom().deferred(() -> secondReviews.record(request));
    }

    @Override
    public Uni<io.safeframe.api.v1.QaAgreementReport> qaAgreement(io.safeframe.api.v1.QaAgreementRequest request) {
        return Uni.createFrom().deferred(agreement::report);
    }

    @Override
    public Uni<io.safeframe.api.v1.ReportedContentList> reportedContent(io.safeframe.api.v1.ReportedContentRequest request) {
        return Uni.createFrom().deferred(() -> io.safeframe.report.intake.ReportedContent.among(pool, request.getContentIdsList()))
                .map(ids -> io.safeframe.api.v1.ReportedContentList.newBuilder().addAllContentIds(ids).build());
    }
}
