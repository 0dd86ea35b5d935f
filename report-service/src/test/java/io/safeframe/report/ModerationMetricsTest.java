package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.report.config.ReportSettings;
import io.safeframe.report.metrics.ModerationMetrics;
import io.safeframe.testing.Scrape;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Queue, outbox, decision and appeal series in a scrape of the management interface: a case made three days old
 * shows as the queue's oldest and past its SLA until it is decided; decisions count by action, appeals by outcome;
 * an undeliverable outbox entry shows as pending with its age.
 */
@QuarkusTest
class ModerationMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    // a queue no other test of this module claims from, so the case claimed below is this test's
    private static final String QUEUE = "weapons";

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    ModerationMetrics metrics;

    @Inject
    ReportSettings settings;

    @Inject
    Pool pool;

    @Test
    void everyConfiguredQueueHasItsSeriesFromTheStart() {
        metrics.refresh().await().atMost(WAIT);
        Scrape scrape = Scrape.self();
        for (String queue : settings.categories().keySet()) {
            for (String series : new String[] { "safeframe_queue_depth", "safeframe_queue_oldest_age_seconds", "safeframe_queue_past_sla" }) {
                assertNotNull(scrape.value(series, Map.of("queue", queue)), series + " for " + queue + ": " + scrape.lines("safeframe_queue"));
            }
        }
    }

    @Test
    void aCasePastItsSlaShowsUntilDecidedAndDecisionsAndAppealsAreCounted() {
        Map<String, String> queue = Map.of("queue", QUEUE);
        CaseRef ref = Fixtures.enqueue(reports, "metrics-" + UUID.randomUUID(), QUEUE, 0.9);
        sql("update report_case set created_at = now() - interval '3 days', sla_due_at = now() - interval '2 days' where case_id = $1",
                UUID.fromString(ref.getCaseId()));
        metrics.refresh().await().atMost(WAIT);
        Scrape waiting = Scrape.self();
        assertTrue(waiting.count("safeframe_queue_depth", queue) >= 1, waiting.lines("safeframe_queue"));
        assertTrue(waiting.count("safeframe_queue_oldest_age_seconds", queue) >= 3 * 86_400 - 60, waiting.lines("safeframe_queue"));
        assertTrue(waiting.count("safeframe_queue_past_sla", queue) >= 1, waiting.lines("safeframe_queue"));

        CaseDetail claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-m")).setQueue(QUEUE).build());
        assertEquals(ref.getCaseId(), claimed.getRef().getCaseId());
        DecisionRecord removal = reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-m")).setCaseId(ref.getCaseId())
                .setAction(Action.REMOVE_CONTENT).setCaseVersion(claimed.getRef().getVersion()).setStatement(statement()).build());
        metrics.refresh().await().atMost(WAIT);
        Scrape decided = Scrape.self();
        assertEquals(waiting.count("safeframe_queue_depth", queue) - 1, decided.count("safeframe_queue_depth", queue));
        assertEquals(waiting.count("safeframe_queue_past_sla", queue) - 1, decided.count("safeframe_queue_past_sla", queue));
        Map<String, String> removed = Map.of("action", "REMOVE_CONTENT");
        assertEquals(1, decided.count("safeframe_decisions_total", removed) - waiting.count("safeframe_decisions_total", removed),
                decided.lines("safeframe_decisions_total"));

        // the owner appeals; another moderator keeps the decision
        AppealRecord appeal = reports.appeal(AppealRequest.newBuilder().setContext(Fixtures.actor(claimed.getTarget().getOwnerAccountId()))
                .setDecisionId(removal.getDecisionId()).setExplanation("it is a toy").build());
        reports.resolveAppeal(ResolveAppealRequest.newBuilder().setContext(Fixtures.actor("mod-n")).setAppealId(appeal.getAppealId())
                .setReverse(false).setReason("it is not a toy").build());
        Scrape resolved = Scrape.self();
        Map<String, String> upheld = Map.of("outcome", "upheld");
        assertEquals(1, resolved.count("safeframe_appeals_total", upheld) - decided.count("safeframe_appeals_total", upheld),
                resolved.lines("safeframe_appeals_total"));
        assertEquals(decided.count("safeframe_appeals_total", Map.of("outcome", "overturned")),
                resolved.count("safeframe_appeals_total", Map.of("outcome", "overturned")));
    }

    @Test
    void anUndeliveredOutboxEntryShowsAsPendingWithItsAge() {
        Map<String, String> outbox = Map.of("outbox", ModerationMetrics.OUTBOX);
        // not due for an hour, so the relay leaves it (and, in order, everything after it) alone until it is removed
        long id = pool.preparedQuery("""
                insert into outbox (kind, payload, next_attempt_at, created_at) values ('AUDIT', $1, now() + interval '1 hour',
                    now() - interval '10 minutes') returning id""")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(new byte[0]))).await().atMost(WAIT).iterator().next().getLong("id");
        try {
            metrics.refresh().await().atMost(WAIT);
            Scrape stuck = Scrape.self();
            assertTrue(stuck.count("safeframe_outbox_pending", outbox) >= 1, stuck.lines("safeframe_outbox"));
            assertTrue(stuck.count("safeframe_outbox_oldest_age_seconds", outbox) >= 600, stuck.lines("safeframe_outbox"));
        } finally {
            sql("delete from outbox where id = $1", id);
        }
        metrics.refresh().await().atMost(WAIT);
        Scrape after = Scrape.self();
        assertTrue(after.count("safeframe_outbox_oldest_age_seconds", outbox) < 600, after.lines("safeframe_outbox"));
    }

    private void sql(String statement, Object... args) {
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(WAIT);
    }

    private static StatementOfReasons statement() {
        return StatementOfReasons.newBuilder().setFacts("The video shows how to convert a replica pistol.")
                .setGround("Terms of Service §4.5: weapons").build();
    }
}
