package io.safeframe.report;

import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;

/** Requests the tests build again and again. */
final class Fixtures {

    private Fixtures() {
    }

    static RequestContext actor(String actor) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId("test-" + actor + "-" + System.nanoTime()).build();
    }

    static Target content(String id, String owner) {
        return Target.newBuilder().setKind(TargetKind.CONTENT).setId(id).setOwnerAccountId(owner).build();
    }

    static CaseRef enqueue(ReportServiceBlockingStub reports, String contentId, String category, double score) {
        return reports.enqueue(EnqueueRequest.newBuilder().setContext(actor("frame-classifier")).setTarget(content(contentId, "owner-of-" + contentId))
                .setMachineVerdict(Verdict.newBuilder().setDecision(Decision.REVIEW).setSource("frame-classifier").setRuleId("test")
                        .setReason("looks like " + category).addCategories(CategoryScore.newBuilder().setCategory(category).setScore(score)))
                .build());
    }

    static FileReportRequest.Builder report(String reporter, Target target, String category) {
        return FileReportRequest.newBuilder().setContext(actor(reporter)).setTarget(target).setCategory(category)
                .setExplanation("this shows " + category).setGoodFaithStatement(true);
    }
}
