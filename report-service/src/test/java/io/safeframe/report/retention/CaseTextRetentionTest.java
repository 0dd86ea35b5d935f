package io.safeframe.report.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.report.Fixtures;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * report-service's retention against PostgreSQL over real gRPC: three reported videos are decided; the one decided
 * long ago loses its reporters' text, its label's prompt and nothing else; the one as old but with a pending appeal
 * keeps everything until the appeal is resolved; the recent one is untouched. Delivered webhook events past their
 * time go, pending ones stay. The run is one audit event with its counts. Only this test uses the spam_scam queue.
 */
@QuarkusTest
class CaseTextRetentionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String QUEUE = "spam_scam";

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    @Inject
    CaseTextRetention retention;

    private static RequestContext as(String who) {
        return RequestContext.newBuilder().setActor(who).setAccountId(who).setCorrelationId("retention-" + UUID.randomUUID()).build();
    }

    private static RequestContext moderator(String who) {
        return RequestContext.newBuilder().setActor(who).setCorrelationId("retention-" + UUID.randomUUID()).build();
    }

    /** A report on a new video, claimed and decided; returns the decision. */
    private DecisionRecord reportedAndDecided(String video, String owner, String explanation) {
        reports.fileReport(FileReportRequest.newBuilder().setContext(as("reporter-" + video)).setCategory(QUEUE).setGoodFaithStatement(true)
                .setTarget(Target.newBuilder().setKind(TargetKind.CONTENT).setId(video).setOwnerAccountId(owner)).setExplanation(explanation).build());
        CaseDetail c = reports.claimNext(ClaimRequest.newBuilder().setContext(moderator("mod-retention")).setQueue(QUEUE).build());
        assertEquals(video, c.getTarget().getId(), "only this test uses " + QUEUE);
        return reports.decide(DecideRequest.newBuilder().setContext(moderator("mod-retention")).setCaseId(c.getRef().getCaseId())
                .setAction(Action.REMOVE_CONTENT).setCaseVersion(c.getRef().getVersion())
                .setStatement(StatementOfReasons.newBuilder().setGround("Terms §4 scams").setFacts("A fake giveaway.")).build());
    }

    private Row caseOf(String video) {
        return pool.preparedQuery("select c.case_id, c.text_purged_at, r.explanation, l.prompt_text from report_case c join report r using (case_id)"
                + " left join safety_label l on l.case_id = c.case_id where c.target_id = $1").execute(Tuple.of(video)).await().atMost(WAIT)
                .iterator().next();
    }

    private void decidedDaysAgo(String video, int days) {
        pool.preparedQuery("update report_case set decided_at = now() - make_interval(days => $2) where target_id = $1")
                .execute(Tuple.of(video, days)).await().atMost(WAIT);
        // a label's prompt as a prompt case would carry it, labelled when the case was decided
        pool.preparedQuery("update safety_label set prompt_text = 'a prompt written by ' || $1, labelled_at = now() - make_interval(days => $2)"
                + " where case_id = (select case_id from report_case where target_id = $1)").execute(Tuple.of(video, days)).await().atMost(WAIT);
    }

    private long auditedPurges() {
        return Fixtures.auditEvents(pool).stream().filter(e -> e.getAction().equals("retention.purged")).count();
    }

    @Test
    void decidedCasesLoseTheirTextAfterTheAppealWindowUnlessAnAppealIsPending() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String old = "video-old-" + run;
        String appealed = "video-appealed-" + run;
        String recent = "video-recent-" + run;
        reportedAndDecided(old, "owner-" + old, "It promises free phones to " + old);
        DecisionRecord appealedDecision = reportedAndDecided(appealed, "owner-" + appealed, "A fake lottery " + appealed);
        reportedAndDecided(recent, "owner-" + recent, "A fake bank page " + recent);
        reports.appeal(AppealRequest.newBuilder().setContext(as("owner-" + appealed)).setDecisionId(appealedDecision.getDecisionId())
                .setExplanation("It is a parody of scams, made by " + appealed).build());
        decidedDaysAgo(old, 400);
        decidedDaysAgo(appealed, 400);
        decidedDaysAgo(recent, 10);
        pool.preparedQuery("insert into webhook_event (event_id, event_type, payload, state, delivered_at) values"
                + " ($1, 'decision.made', '{}', 'DELIVERED', now() - interval '40 days'), ($2, 'decision.made', '{}', 'PENDING', null)")
                .execute(Tuple.of(UUID.randomUUID(), UUID.randomUUID())).await().atMost(WAIT);
        long auditedBefore = auditedPurges();

        CaseTextRetention.Purged purged = retention.purge(Instant.now()).await().atMost(WAIT);
        assertTrue(purged.cases() >= 1 && purged.labels() >= 1 && purged.webhookEvents() >= 1, purged.toString());

        Row gone = caseOf(old);
        assertEquals("", gone.getString("explanation"), "the reporter's text is gone");
        assertNull(gone.getString("prompt_text"), "the label's prompt is gone");
        assertNotNull(gone.getOffsetDateTime("text_purged_at"));
        assertEquals(1L, pool.preparedQuery("select count(*) from decision where case_id = $1").execute(Tuple.of(gone.getUUID("case_id")))
                .await().atMost(WAIT).iterator().next().getLong(0), "the decision and its statement of reasons stay");

        Row kept = caseOf(appealed);
        assertTrue(kept.getString("explanation").contains(appealed), "a pending appeal keeps the case's text");
        assertNull(kept.getOffsetDateTime("text_purged_at"));
        assertTrue(pool.preparedQuery("select explanation from appeal where decision_id = $1").execute(Tuple.of(UUID.fromString(
                appealedDecision.getDecisionId()))).await().atMost(WAIT).iterator().next().getString("explanation").contains(appealed));
        Row young = caseOf(recent);
        assertTrue(young.getString("explanation").contains(recent), "decided ten days ago: kept");
        assertNotNull(young.getString("prompt_text"));
        assertEquals(0L, pool.preparedQuery("select count(*) from webhook_event where state = 'DELIVERED' and delivered_at < now() - interval '30 days'")
                .execute().await().atMost(WAIT).iterator().next().getLong(0));
        assertTrue(pool.preparedQuery("select count(*) from webhook_event where state = 'PENDING'").execute().await().atMost(WAIT).iterator().next()
                .getLong(0) >= 1, "undelivered events stay");
        assertEquals(auditedBefore + 2, auditedPurges(), "one audit event per transaction that removed something: cases; labels and webhooks");

        // nothing more is due: a second run changes nothing and audits nothing
        CaseTextRetention.Purged again = retention.purge(Instant.now()).await().atMost(WAIT);
        assertEquals(new CaseTextRetention.Purged(0, 0, 0), again);
        assertEquals(auditedBefore + 2, auditedPurges());

        // the appeal resolved, the case is due too
        String appealId = pool.preparedQuery("select appeal_id from appeal where decision_id = $1").execute(Tuple.of(UUID.fromString(
                appealedDecision.getDecisionId()))).await().atMost(WAIT).iterator().next().getUUID("appeal_id").toString();
        reports.resolveAppeal(io.safeframe.api.v1.ResolveAppealRequest.newBuilder().setContext(moderator("mod-retention-2"))
                .setAppealId(appealId).setReverse(false).setReason("A scam, not a parody.").build());
        assertEquals(1, retention.purge(Instant.now()).await().atMost(WAIT).cases());
        assertEquals(auditedBefore + 3, auditedPurges());
        assertEquals("", caseOf(appealed).getString("explanation"));
        assertEquals("", pool.preparedQuery("select explanation from appeal where appeal_id = $1").execute(Tuple.of(UUID.fromString(appealId)))
                .await().atMost(WAIT).iterator().next().getString("explanation"), "the appellant's text goes with the case's");
    }
}
