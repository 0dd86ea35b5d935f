package io.safeframe.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.AuthorizeResponse;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.policy.audit.AuditSchedule;
import io.safeframe.policy.audit.AuditVerifier;
import io.safeframe.testing.Scrape;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** What policy-service decides shows in a scrape of its management interface, with the labels the alerts use. */
@QuarkusTest
class PolicyMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    AuditSchedule schedule;

    @Inject
    Pool pool;

    @Test
    void refusalsAreCountedByTheirReasonCode() {
        Map<String, String> tooLong = Map.of("reason", "VIDEO_TOO_LONG");
        Scrape before = Scrape.self();
        AuthorizeResponse refused = policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(30)
                .setContext(RequestContext.newBuilder().setAccountId("metrics-" + UUID.randomUUID())).build()).await().atMost(WAIT);
        assertFalse(refused.getGranted());
        assertEquals("policy:VIDEO_TOO_LONG", refused.getVerdict().getRuleId());
        Scrape after = Scrape.self();
        assertEquals(1, after.count("safeframe_quota_refusals_total", tooLong) - before.count("safeframe_quota_refusals_total", tooLong),
                after.lines("safeframe_quota_refusals_total"));
    }

    @Test
    void anAnomalyFlagIsCounted() {
        Scrape before = Scrape.self();
        String account = "metrics-burst-" + UUID.randomUUID();
        for (int i = 0; i < 8; i++) {
            policy.recordAudit(AuditEvent.newBuilder().setAction("prompt.screened").setDecision(Decision.BLOCK).setReason("test verdict")
                    .setTarget("job-" + i).setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("m-" + i)).build())
                    .await().atMost(WAIT);
        }
        Scrape after = Scrape.self();
        // by signal: Authorize's request flags are raised off the callers' path and may land during this test
        Map<String, String> blocked = Map.of("signal", "blocked");
        assertEquals(1, after.count("safeframe_anomaly_flags_total", blocked) - before.count("safeframe_anomaly_flags_total", blocked),
                after.lines("safeframe_anomaly_flags_total"));
    }

    @Test
    void theScheduledVerificationSetsTheLastVerifiedTimeAndABrokenChainCountsAFailure() {
        long start = Instant.now().getEpochSecond();
        policy.recordAudit(AuditEvent.newBuilder().setAction("metrics.test").setReason("an event to verify")
                .setContext(RequestContext.newBuilder().setAccountId("metrics-audit").setCorrelationId("m")).build()).await().atMost(WAIT);
        AuditVerifier.Report intact = schedule.verifyNow().await().atMost(WAIT);
        assertTrue(intact.intact(), intact.problem());
        Scrape verified = Scrape.self();
        double last = verified.count("safeframe_audit_last_verified_timestamp_seconds", Map.of());
        assertTrue(last >= start && last <= Instant.now().getEpochSecond(), verified.lines("safeframe_audit"));

        // one edited character in the newest event: the next verification fails, and is counted; the time stays
        long seq = pool.query("select max(seq) as seq from audit_event").execute().await().atMost(WAIT).iterator().next().getLong("seq");
        String reason = pool.preparedQuery("select reason from audit_event where seq = $1").execute(Tuple.of(seq)).await().atMost(WAIT)
                .iterator().next().getString("reason");
        try {
            pool.preparedQuery("update audit_event set reason = $2 where seq = $1").execute(Tuple.of(seq, reason + "!")).await().atMost(WAIT);
            assertFalse(schedule.verifyNow().await().atMost(WAIT).intact());
        } finally {
            pool.preparedQuery("update audit_event set reason = $2 where seq = $1").execute(Tuple.of(seq, reason)).await().atMost(WAIT);
        }
        Scrape broken = Scrape.self();
        assertEquals(1, broken.count("safeframe_audit_verification_failures_total", Map.of())
                - verified.count("safeframe_audit_verification_failures_total", Map.of()), broken.lines("safeframe_audit"));
        assertEquals(last, broken.count("safeframe_audit_last_verified_timestamp_seconds", Map.of()));
        assertTrue(schedule.verifyNow().await().atMost(WAIT).intact(), "restored");
    }
}
