package io.safeframe.policy.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DecisionList;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.StandingRequest;
import jakarta.inject.Inject;

@QuarkusTest
class AnomalyFlagTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    UsageAnomalyDetector detector;

    private void screened(String account, Decision decision, int i) {
        policy.recordAudit(AuditEvent.newBuilder().setAction("prompt.screened").setDecision(decision)
                .setReason("test verdict").setTarget("job-" + i).setPromptToHash("prompt " + i)
                .setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("c-" + i)).build())
                .await().atMost(WAIT);
    }

    @Test
    void burstOfBlockedPromptsFlagsAndThrottles() {
        String account = "burst-" + UUID.randomUUID();
        for (int i = 0; i < 8; i++) {
            screened(account, Decision.BLOCK, i);
        }
        assertEquals(1, detector.flagCount(account).await().atMost(WAIT), "one flag for one burst");
        assertEquals("throttled", policy.getStanding(StandingRequest.newBuilder().setAccountId(account).build())
                .await().atMost(WAIT).getTier(), "a flagged account falls back to the stricter policy");
        // the throttled tier allows 5 s videos only
        assertFalse(policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(8)
                .setContext(RequestContext.newBuilder().setAccountId(account)).build()).await().atMost(WAIT).getGranted());
        DecisionList decisions = policy.listDecisions(StandingRequest.newBuilder().setAccountId(account).build())
                .await().atMost(WAIT);
        assertTrue(decisions.getDecisionsList().stream().anyMatch(d -> d.getAction().equals("anomaly.flagged")
                && d.getReason().contains("blocked") && d.getReason().contains("z =")),
                "the flag is audited with its numbers as the reason");
    }

    @Test
    void steadyNormalAccountIsNotFlagged() {
        String account = "steady-" + UUID.randomUUID();
        for (int i = 0; i < 10; i++) {
            screened(account, Decision.ALLOW, i);
        }
        screened(account, Decision.BLOCK, 99);
        assertEquals(0, detector.flagCount(account).await().atMost(WAIT));
        assertEquals("free", policy.getStanding(StandingRequest.newBuilder().setAccountId(account).build())
                .await().atMost(WAIT).getTier());
    }
}
