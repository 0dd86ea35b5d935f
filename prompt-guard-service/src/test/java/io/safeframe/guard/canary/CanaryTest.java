package io.safeframe.guard.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.GetPolicyVersionRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.MutinyPromptGuardGrpc.MutinyPromptGuardStub;
import io.safeframe.api.v1.PolicyRequest;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.testing.PolicyServiceProcess;
import jakarta.inject.Inject;

/**
 * Canary experiments against a real policy-service (the store): a stricter candidate in canary acts for a
 * deterministic half of the accounts and is counted per arm; once live, a weaker candidate in canary that lets through
 * what live blocks is retired by the stop rule, with its figures in the store's history, and every account is back on
 * live.
 */
@QuarkusTest
@TestProfile(CanaryTest.CanaryOn.class)
@QuarkusTestResource(value = PolicyServiceProcess.class, restrictToAnnotatedClass = true)
class CanaryTest {

    public static class CanaryOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.guard.policy-store.enabled", "true", "safeframe.guard.policy-store.poll-every", "1s",
                    "safeframe.guard.canary.percent", "50", "safeframe.guard.canary.min-samples", "50",
                    "safeframe.guard.canary.check-every", "off");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROMPT = "a zebrafish swimming in a glass tank";

    @GrpcClient("policy")
    MutinyPolicyServiceStub store;

    @GrpcClient("guard")
    MutinyPromptGuardStub guard;

    @Inject
    PolicyHolder holder;

    @Inject
    CanaryArms arms;

    @Inject
    MeterRegistry registry;

    private static RequestContext as(String actor) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId("corr-canary-" + actor).build();
    }

    private Decision screenAs(String account) {
        return guard.screen(ScreenRequest.newBuilder().setContext(as("prompt-guard-service").toBuilder().setAccountId(account))
                .setText(PROMPT).build()).await().atMost(WAIT).getVerdict().getDecision();
    }

    private static void within10s(BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > Duration.ofSeconds(10).toNanos()) {
                throw new AssertionError("not within 10 s");
            }
            Thread.sleep(50);
        }
    }

    private int draftApproved(String document, String reason) {
        int v = store.draftPolicyVersion(DraftPolicyVersionRequest.newBuilder().setContext(as("ana")).setKind("prompt")
                .setDocumentJson(document).setReason(reason).build()).await().atMost(WAIT).getVersion();
        store.approvePolicyVersion(ApprovePolicyVersionRequest.newBuilder().setContext(as("rita")).setKind("prompt").setVersion(v)
                .setReason("ok").setActorIsReviewer(true).build()).await().atMost(WAIT);
        return v;
    }

    private void move(int version, PolicyState to) {
        store.transitionPolicyVersion(TransitionPolicyVersionRequest.newBuilder().setContext(as("olga")).setKind("prompt")
                .setVersion(version).setTo(to).setReason("experiment").build()).await().atMost(WAIT);
    }

    private List<Decision> screenAccounts(int from, int count) {
        List<Decision> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(screenAs("acct-" + i));
        }
        return out;
    }

    @Test
    void aCanaryActsForAShareOfAccountsAndAWeakerOneIsStoppedByTheStopRule() throws Exception {
        within10s(() -> holder.storeVersion() >= 1);
        String original = guard.getPolicy(PolicyRequest.newBuilder().build()).await().atMost(WAIT).getPolicyJson();
        String stricter = original.replaceFirst("\"categories\"\\s*:\\s*\\[", "\"categories\" : [ {\"code\":\"aquarium_test\","
                + "\"name\":\"Aquarium test rule\",\"severity\":3,\"decision\":\"BLOCK\",\"terms\":[\"zebrafish\"]},")
                .replaceFirst("\"version\"\\s*:\\s*\"[^\"]*\"", "\"version\" : \"canary-strict\"");
        assertEquals(Decision.ALLOW, screenAs("acct-0"), "live allows the zebrafish");

        // a stricter candidate in canary: about half the accounts get it, each account always the same arm
        int strict = draftApproved(stricter, "block zebrafish");
        move(strict, PolicyState.POLICY_CANARY);
        within10s(() -> holder.canaryVersion() == strict);
        List<Decision> first = screenAccounts(0, 200);
        long blocked = first.stream().filter(d -> d == Decision.BLOCK).count();
        assertTrue(blocked >= 60 && blocked <= 140, blocked + " of 200 accounts in the 50 % canary");
        assertEquals(first.subList(0, 40), screenAccounts(0, 40), "an account stays in its arm");
        assertTrue(registry.find("safeframe_policy_arm_screenings_total").tag("arm", "canary").tag("decision", "BLOCK").counter().count() >= blocked);
        assertTrue(arms.checkStopRule().startsWith("continues"), "a canary that flags more is left to the reviewers");

        // promoted: every account gets it
        move(strict, PolicyState.POLICY_LIVE);
        within10s(() -> holder.storeVersion() == strict && holder.canary() == null);
        assertTrue(screenAccounts(0, 30).stream().allMatch(d -> d == Decision.BLOCK));

        // a weaker candidate (the original rules again) in canary lets the zebrafish through for its arm: stopped
        String weaker = original.replaceFirst("\"version\"\\s*:\\s*\"[^\"]*\"", "\"version\" : \"canary-weak\"");
        int weak = draftApproved(weaker, "drop the zebrafish rule");
        move(weak, PolicyState.POLICY_CANARY);
        within10s(() -> holder.canaryVersion() == weak);
        assertEquals("too few screenings", arms.checkStopRule());
        screenAccounts(1000, 200);
        String outcome = arms.checkStopRule();
        assertTrue(outcome.startsWith("stopped"), outcome);
        assertNull(holder.canary());
        PolicyVersion stopped = store.getPolicyVersion(GetPolicyVersionRequest.newBuilder().setContext(as("prompt-guard-service")).setKind("prompt")
                .setVersion(weak).build()).await().atMost(WAIT);
        assertEquals(PolicyState.POLICY_RETIRED, stopped.getState());
        String reason = stopped.getHistory(stopped.getHistoryCount() - 1).getReason();
        assertTrue(reason.contains("canary stop rule") && reason.contains("flagged"), reason);
        assertTrue(screenAccounts(1000, 30).stream().allMatch(d -> d == Decision.BLOCK), "every account back on live");
    }
}
