package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CaseRequest;
import io.safeframe.api.v1.CasesRequest;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.LikenessTakedown;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.ReportSummary;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * A cameo owner's takedown request (issue 21) is a report that carries the use and consent references: the case is
 * marked, moderators can list and claim only such cases ahead of a higher-priority ordinary case of the same queue,
 * and malformed takedown references are refused with nothing written.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class LikenessTakedownTest {

    static final String QUEUE = "real_person_likeness";

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    @Test
    void aTakedownIsMarkedListedAndClaimedAheadOfAnOrdinaryCase() {
        // takedown cases left undecided by earlier runs would be claimed first: decide them away (only this test makes them)
        pool.query("update report_case set state = 'DECIDED', decided_at = now() where likeness_takedown and state <> 'DECIDED'")
                .execute().await().indefinitely();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        CaseRef ordinary = Fixtures.enqueue(reports, "deepfake-" + tag, QUEUE, 0.99);
        String useId = UUID.randomUUID().toString();
        String consent = UUID.randomUUID().toString();
        CaseRef takedown = reports.fileReport(Fixtures.report("cameo-owner-" + tag, Fixtures.content("cameo-video-" + tag, "creator-" + tag), QUEUE)
                .setLikenessTakedown(LikenessTakedown.newBuilder().setUseId(useId).setConsentReferenceId(consent).setHandle("@owner_" + tag))
                .build());
        CaseRef plain = reports.fileReport(Fixtures.report("neighbour-" + tag, Fixtures.content("other-video-" + tag, "creator-" + tag), QUEUE)
                .build());
        assertTrue(reports.getCase(CaseRequest.newBuilder().setCaseId(ordinary.getCaseId()).build()).getRef().getPriority()
                > takedown.getPriority(), "the ordinary machine case outranks the takedown, so the filtered claim is what picks it");

        CaseDetail detail = reports.getCase(CaseRequest.newBuilder().setCaseId(takedown.getCaseId()).build());
        assertTrue(detail.getLikenessTakedown());
        ReportSummary report = detail.getReports(0);
        assertTrue(report.hasLikenessTakedown());
        assertEquals(useId, report.getLikenessTakedown().getUseId());
        assertEquals(consent, report.getLikenessTakedown().getConsentReferenceId());
        assertEquals("@owner_" + tag, report.getLikenessTakedown().getHandle());
        CaseDetail plainDetail = reports.getCase(CaseRequest.newBuilder().setCaseId(plain.getCaseId()).build());
        assertFalse(plainDetail.getLikenessTakedown(), "an ordinary report is not a takedown");
        assertFalse(plainDetail.getReports(0).hasLikenessTakedown());

        List<String> onlyTakedowns = reports.listCases(CasesRequest.newBuilder().setQueue(QUEUE).setLimit(200).setLikenessTakedownsOnly(true).build())
                .getCasesList().stream().map(c -> c.getRef().getCaseId()).toList();
        assertEquals(List.of(takedown.getCaseId()), onlyTakedowns);
        List<String> all = reports.listCases(CasesRequest.newBuilder().setQueue(QUEUE).setLimit(200).build())
                .getCasesList().stream().map(c -> c.getRef().getCaseId()).toList();
        assertTrue(all.containsAll(List.of(ordinary.getCaseId(), takedown.getCaseId(), plain.getCaseId())), "the unfiltered queue holds all three");

        CaseDetail claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-takedown-" + tag))
                .setLikenessTakedownsOnly(true).setLeaseSeconds(60).build());
        assertEquals(takedown.getCaseId(), claimed.getRef().getCaseId());
        assertTrue(claimed.getReports(0).hasLikenessTakedown(), "the claim hands out the references with the case");
        assertEquals("OPEN", reports.getCase(CaseRequest.newBuilder().setCaseId(ordinary.getCaseId()).build()).getRef().getState());
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> reports.claimNext(ClaimRequest.newBuilder()
                .setContext(Fixtures.actor("mod-takedown-2-" + tag)).setLikenessTakedownsOnly(true).build()));
        assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
        assertTrue(none.getStatus().getDescription().contains("no likeness takedown case waiting"), none.getMessage());
    }

    @Test
    void malformedTakedownReferencesAreRefusedAndNothingIsWritten() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Target account = Target.newBuilder().setKind(TargetKind.ACCOUNT).setId("account-" + tag).build();
        Target video = Fixtures.content("video-" + tag, "creator-" + tag);
        LikenessTakedown valid = LikenessTakedown.newBuilder().setUseId(UUID.randomUUID().toString()).setConsentReferenceId("c").build();
        refused(Fixtures.report("owner-" + tag, account, QUEUE).setLikenessTakedown(valid), "about content");
        refused(Fixtures.report("owner-" + tag, video, QUEUE).setLikenessTakedown(valid.toBuilder().setUseId("")), "use_id");
        refused(Fixtures.report("owner-" + tag, video, QUEUE).setLikenessTakedown(valid.toBuilder().setHandle("@" + "x".repeat(64))), "64");
        long written = pool.preparedQuery("select count(*) as n from report_case where target_id in ($1, $2)")
                .execute(Tuple.of("account-" + tag, "video-" + tag)).await().indefinitely().iterator().next().getLong("n");
        assertEquals(0, written);
    }

    private void refused(io.safeframe.api.v1.FileReportRequest.Builder request, String says) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> reports.fileReport(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(says), e.getMessage());
    }
}
