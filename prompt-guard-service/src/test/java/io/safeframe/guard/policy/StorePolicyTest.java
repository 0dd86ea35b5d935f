package io.safeframe.guard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DivergenceReport;
import io.safeframe.api.v1.DivergenceReportRequest;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.MutinyPromptGuardGrpc.MutinyPromptGuardStub;
import io.safeframe.api.v1.PolicyRequest;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.RollbackPolicyRequest;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.safeframe.api.v1.ValidatePolicyRequest;
import io.safeframe.testing.PackagedService;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * The running guard follows the policy store: a real policy-service process (its own database, cleaned at start),
 * this service polling it every second. Seeding, promotion, rollback, an unreachable store.
 */
@QuarkusTest
@TestProfile(StorePolicyTest.StoreOn.class)
@QuarkusTestResource(value = PolicyServiceProcess.class, restrictToAnnotatedClass = true)
class StorePolicyTest {

    public static class StoreOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.guard.policy-store.enabled", "true", "safeframe.guard.policy-store.poll-every", "1s");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROMPT = "a zebrafish swimming in a glass tank";

    @GrpcClient("policy")
    MutinyPolicyServiceStub store;

    @GrpcClient("guard")
    MutinyPromptGuardStub guard;

    private static RequestContext as(String actor) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId("corr-store-" + actor).build();
    }

    private Decision screen() {
        return guard.screen(ScreenRequest.newBuilder().setContext(as("prompt-guard-service")).setText(PROMPT).build())
                .await().atMost(WAIT).getVerdict().getDecision();
    }

    /** 0 while nothing is loaded (GetPolicy is UNAVAILABLE then: fail closed). */
    private int loadedStoreVersion() {
        try {
            return guard.getPolicy(PolicyRequest.newBuilder().build()).await().atMost(WAIT).getStoreVersion();
        } catch (io.grpc.StatusRuntimeException e) {
            assertEquals(io.grpc.Status.Code.UNAVAILABLE, e.getStatus().getCode());
            return 0;
        }
    }

    /** Milliseconds until {@code condition} holds; fails after 10 s. */
    private static long millisUntil(BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > Duration.ofSeconds(10).toNanos()) {
                throw new AssertionError("not within 10 s");
            }
            Thread.sleep(50);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void promotionAndRollbackReachTheRunningServiceWithinSecondsAndAnUnreachableStoreKeepsTheLastGood() throws Exception {
        // the empty store was seeded with the built-in policy as v1 and this instance screens with it
        millisUntil(() -> loadedStoreVersion() == 1);
        assertEquals(Decision.ALLOW, screen());

        // a new rule, drafted from the live document plus one category, checked by the loader's own validator
        String live = guard.getPolicy(PolicyRequest.newBuilder().build()).await().atMost(WAIT).getPolicyJson();
        String candidate = live.replaceFirst("\"categories\"\\s*:\\s*\\[", "\"categories\" : [ {\"code\":\"aquarium_test\","
                + "\"name\":\"Aquarium test rule\",\"severity\":3,\"decision\":\"BLOCK\",\"terms\":[\"zebrafish\"]},")
                .replaceFirst("\"version\"\\s*:\\s*\"[^\"]*\"", "\"version\" : \"store-test-2\"");
        assertEquals("store-test-2", guard.validatePolicy(ValidatePolicyRequest.newBuilder().setPolicyJson(candidate).build())
                .await().atMost(WAIT).getVersion());
        int v2 = store.draftPolicyVersion(DraftPolicyVersionRequest.newBuilder().setContext(as("ana")).setKind("prompt")
                .setDocumentJson(candidate).setReason("aquarium rule").build()).await().atMost(WAIT).getVersion();
        store.approvePolicyVersion(ApprovePolicyVersionRequest.newBuilder().setContext(as("rita")).setKind("prompt").setVersion(v2)
                .setReason("ok").setActorIsReviewer(true).build()).await().atMost(WAIT);
        assertEquals(Decision.ALLOW, screen(), "approved is not live");

        // shadow mode: the candidate is screened beside live on every prompt, never acting; the divergence is recorded
        store.transitionPolicyVersion(TransitionPolicyVersionRequest.newBuilder().setContext(as("olga")).setKind("prompt")
                .setVersion(v2).setTo(PolicyState.POLICY_SHADOW).setReason("watch it").build()).await().atMost(WAIT);
        millisUntil(() -> guard.getPolicy(PolicyRequest.newBuilder().build()).await().atMost(WAIT).getHistoryList().stream()
                .anyMatch(e -> e.getOutcome().equals("SHADOW")));
        assertEquals(Decision.ALLOW, screen(), "the shadow candidate does not act");
        guard.screen(ScreenRequest.newBuilder().setContext(as("prompt-guard-service")).setText("a red fox running through snow")
                .build()).await().atMost(WAIT);
        long recorded = millisUntil(() -> store.getDivergenceReport(DivergenceReportRequest.newBuilder().setKind("prompt").build())
                .await().atMost(WAIT).getTotal() >= 1);
        DivergenceReport report = store.getDivergenceReport(DivergenceReportRequest.newBuilder().setKind("prompt").build())
                .await().atMost(WAIT);
        System.out.printf("policy store: shadow divergence recorded after %d ms%n", recorded);
        assertEquals(v2, report.getCandidateVersion());
        assertEquals(1, report.getTotal(), "only the prompt the candidate decides otherwise diverges");
        assertEquals("aquarium_test", report.getGroups(0).getCategory());
        assertEquals(Decision.ALLOW, report.getGroups(0).getLiveDecision());
        assertEquals(Decision.BLOCK, report.getGroups(0).getCandidateDecision());
        assertTrue(report.getGroups(0).getSamples(0).getCandidateEvidenceList().stream().anyMatch(e -> e.contains("zebrafish")),
                report.toString());

        store.transitionPolicyVersion(TransitionPolicyVersionRequest.newBuilder().setContext(as("olga")).setKind("prompt")
                .setVersion(v2).setTo(PolicyState.POLICY_LIVE).setReason("go").build()).await().atMost(WAIT);
        long promoted = millisUntil(() -> screen() == Decision.BLOCK);
        assertEquals(v2, loadedStoreVersion());
        System.out.printf("policy store: promotion in force after %d ms%n", promoted);
        assertTrue(promoted < 5000, "promotion took " + promoted + " ms");

        store.rollbackPolicy(RollbackPolicyRequest.newBuilder().setContext(as("olga")).setKind("prompt").setReason("too broad")
                .build()).await().atMost(WAIT);
        long rolledBack = millisUntil(() -> screen() == Decision.ALLOW);
        assertEquals(1, loadedStoreVersion());
        System.out.printf("policy store: rollback in force after %d ms%n", rolledBack);
        assertTrue(rolledBack < 5000, "rollback took " + rolledBack + " ms");

        // the store goes away: screening goes on with the last good version, and says so in its history
        PackagedService policyService = PackagedService.running(PolicyServiceProcess.class);
        policyService.kill();
        try {
            millisUntil(() -> guard.getPolicy(PolicyRequest.newBuilder().build()).await().atMost(WAIT).getHistoryList().stream()
                    .anyMatch(e -> e.getOutcome().equals("STORE_UNREACHABLE")));
            assertEquals(Decision.ALLOW, screen());
            assertEquals(1, loadedStoreVersion());
        } finally {
            policyService.restart();
        }
        millisUntil(() -> guard.getPolicy(PolicyRequest.newBuilder().build()).await().atMost(WAIT).getHistoryList().stream()
                .anyMatch(e -> e.getOutcome().equals("STORE_REACHABLE")));
    }
}
