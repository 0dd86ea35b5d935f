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

/** Requests the tests build again and again, and what they read back. */
public final class Fixtures {

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

    /** The newest audit events waiting in (or relayed from) the outbox, newest first. */
    public static java.util.List<io.safeframe.api.v1.AuditEvent> auditEvents(io.vertx.mutiny.sqlclient.Pool pool) {
        java.util.List<io.safeframe.api.v1.AuditEvent> events = new java.util.ArrayList<>();
        for (io.vertx.mutiny.sqlclient.Row r : pool.query("select payload from outbox where kind = 'AUDIT' order by id desc limit 200")
                .execute().await().atMost(java.time.Duration.ofSeconds(20))) {
            try {
                events.add(io.safeframe.api.v1.AuditEvent.parseFrom(r.getBuffer("payload").getBytes()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return events;
    }

    /** The call is refused with this gRPC status code. */
    public static void assertRefused(io.grpc.Status.Code code, Runnable call) {
        io.grpc.StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class, call::run);
        org.junit.jupiter.api.Assertions.assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }
}
