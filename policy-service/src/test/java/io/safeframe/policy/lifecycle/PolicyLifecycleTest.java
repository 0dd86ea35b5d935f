package io.safeframe.policy.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DivergenceReport;
import io.safeframe.api.v1.DivergenceReportRequest;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.PolicyDivergence;
import io.safeframe.api.v1.PolicyDivergences;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.GetPolicyVersionRequest;
import io.safeframe.api.v1.ListPolicyVersionsRequest;
import io.safeframe.api.v1.LivePolicyRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.RollbackPolicyRequest;
import io.safeframe.api.v1.SeedPolicyRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.safeframe.api.v1.VerifyAuditRequest;

/** The whole lifecycle of a prompt policy through policy-service's real gRPC edge and database. */
@QuarkusTest
class PolicyLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String V1 = "{\"version\":\"p-1\",\"categories\":[{\"code\":\"violence\",\"name\":\"Violence\","
            + "\"severity\":4,\"decision\":\"BLOCK\",\"terms\":[\"behead\",\"massacre\"]}]}";
    private static final String WEAKER = "{\"version\":\"p-2\",\"categories\":[{\"code\":\"violence\",\"name\":\"Violence\","
            + "\"severity\":4,\"decision\":\"REVIEW\",\"terms\":[\"massacre\"]}]}";

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    private static RequestContext as(String actor) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId("corr-lifecycle-" + actor).build();
    }

    private static Status.Code refusal(Supplier<?> call) {
        return assertThrows(StatusRuntimeException.class, call::get).getStatus().getCode();
    }

    private PolicyVersion draft(String author, String document) {
        return policy.draftPolicyVersion(DraftPolicyVersionRequest.newBuilder().setContext(as(author)).setKind("prompt")
                .setDocumentJson(document).setReason("tune violence").build()).await().atMost(WAIT);
    }

    private PolicyVersion approve(String actor, int version, boolean reviewer) {
        return policy.approvePolicyVersion(ApprovePolicyVersionRequest.newBuilder().setContext(as(actor)).setKind("prompt")
                .setVersion(version).setReason("looked at the diff").setActorIsReviewer(reviewer).build()).await().atMost(WAIT);
    }

    private PolicyVersion move(int version, PolicyState to) {
        return policy.transitionPolicyVersion(TransitionPolicyVersionRequest.newBuilder().setContext(as("olga")).setKind("prompt")
                .setVersion(version).setTo(to).setReason("next step").build()).await().atMost(WAIT);
    }

    private PolicyVersion live(int known) {
        return policy.getLivePolicy(LivePolicyRequest.newBuilder().setKind("prompt").setKnownVersion(known).build()).await().atMost(WAIT);
    }

    private List<PolicyVersion> versions() {
        return policy.listPolicyVersions(ListPolicyVersionsRequest.newBuilder().setKind("prompt").build()).await().atMost(WAIT)
                .getVersionsList();
    }

    @Test
    void draftReviewPromoteRollbackEveryStepAudited() {
        // an empty store is seeded with the service's built-in document as v1, live; seeding again changes nothing
        PolicyVersion seeded = policy.seedPolicy(SeedPolicyRequest.newBuilder().setContext(as("prompt-guard-service"))
                .setKind("prompt").setDocumentJson(V1).build()).await().atMost(WAIT);
        assertEquals(1, seeded.getVersion());
        assertEquals(PolicyState.POLICY_LIVE, seeded.getState());
        assertEquals("p-1", seeded.getLabel());
        assertEquals(1, policy.seedPolicy(SeedPolicyRequest.newBuilder().setContext(as("prompt-guard-service"))
                .setKind("prompt").setDocumentJson(WEAKER).build()).await().atMost(WAIT).getVersion());
        assertEquals("p-1", live(0).getLabel());
        assertTrue(live(1).getDocumentJson().isEmpty(), "a poll that already has the live version gets the number only");

        // malformed documents, unknown kinds, missing reasons: refused, nothing stored
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> draft("ana", "{\"version\":\"p-2\",")));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> draft("ana", "[1,2]")));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> policy.draftPolicyVersion(DraftPolicyVersionRequest.newBuilder()
                .setContext(as("ana")).setKind("tiers-of-doom").setDocumentJson(V1).setReason("x").build()).await().atMost(WAIT)));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> policy.draftPolicyVersion(DraftPolicyVersionRequest.newBuilder()
                .setContext(as("ana")).setKind("prompt").setDocumentJson(V1).build()).await().atMost(WAIT)));
        assertEquals(1, versions().size());

        PolicyVersion drafted = draft("ana", WEAKER);
        assertEquals(2, drafted.getVersion());
        assertEquals(PolicyState.POLICY_DRAFT, drafted.getState());
        assertEquals("ana", drafted.getAuthor());

        // the diff against live shows exactly what weakens: the decision and the removed term
        PolicyVersion withDiff = policy.getPolicyVersion(GetPolicyVersionRequest.newBuilder().setKind("prompt").setVersion(2).build())
                .await().atMost(WAIT);
        assertEquals(1, withDiff.getDiffBaseVersion());
        assertTrue(withDiff.getDiffJson().contains("{\"path\":\"/categories[code=violence]/decision\",\"op\":\"changed\",\"from\":\"BLOCK\",\"to\":\"REVIEW\"}"),
                withDiff.getDiffJson());
        assertTrue(withDiff.getDiffJson().contains("{\"path\":\"/categories[code=violence]/terms[]\",\"op\":\"removed\",\"from\":\"behead\"}"),
                withDiff.getDiffJson());

        // no shortcut to live, the author cannot approve (even holding the role), nor can a non-reviewer
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> move(2, PolicyState.POLICY_LIVE)));
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> move(2, PolicyState.POLICY_APPROVED)));
        assertEquals(Status.Code.PERMISSION_DENIED, refusal(() -> approve("ana", 2, true)));
        assertEquals(Status.Code.PERMISSION_DENIED, refusal(() -> approve("olga", 2, false)));
        assertEquals(PolicyState.POLICY_DRAFT, versions().get(0).getState());

        PolicyVersion approved = approve("rita", 2, true);
        assertEquals(PolicyState.POLICY_APPROVED, approved.getState());
        assertEquals("rita", approved.getApprovedBy());
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> approve("rita", 2, true)), "approved once");

        assertEquals(PolicyState.POLICY_SHADOW, move(2, PolicyState.POLICY_SHADOW).getState());

        // shadow mode's record: a divergence is kept with both decisions and evidence, the prompt only as its keyed hash
        PolicyDivergence divergence = PolicyDivergence.newBuilder().setKind("prompt").setLiveVersion(1).setCandidateVersion(2)
                .setLiveDecision(Decision.BLOCK).setCandidateDecision(Decision.REVIEW).setCategory("violence")
                .setLiveRule("lexicon:violence").setCandidateRule("lexicon:violence").addLiveEvidence("lexicon:violence:behead")
                .addCandidateEvidence("lexicon:violence:behead").setPromptToHash("a knight beheads the dragon").build();
        assertEquals(1, policy.recordPolicyDivergences(PolicyDivergences.newBuilder().addDivergences(divergence).build())
                .await().atMost(WAIT).getRecorded());
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> policy.recordPolicyDivergences(PolicyDivergences.newBuilder()
                .addDivergences(divergence.toBuilder().setCandidateDecision(Decision.BLOCK)).build()).await().atMost(WAIT)),
                "two equal decisions are no divergence");
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> policy.recordPolicyDivergences(PolicyDivergences.newBuilder()
                .addDivergences(divergence.toBuilder().setKind("nope")).build()).await().atMost(WAIT)));
        DivergenceReport report = policy.getDivergenceReport(DivergenceReportRequest.newBuilder().setKind("prompt").build())
                .await().atMost(WAIT);
        assertEquals(2, report.getCandidateVersion(), "the version in shadow now");
        assertEquals(1, report.getTotal());
        assertEquals(Decision.REVIEW, report.getGroups(0).getCandidateDecision());
        assertEquals(List.of("lexicon:violence:behead"), report.getGroups(0).getSamples(0).getLiveEvidenceList());
        assertEquals(PolicyState.POLICY_CANARY, move(2, PolicyState.POLICY_CANARY).getState());
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> move(2, PolicyState.POLICY_SHADOW)), "no way back to shadow");
        assertEquals(PolicyState.POLICY_LIVE, move(2, PolicyState.POLICY_LIVE).getState());
        assertEquals(2, live(0).getVersion());
        assertEquals(PolicyState.POLICY_RETIRED, versions().get(1).getState(), "the old live version retired on promotion");
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> move(2, PolicyState.POLICY_RETIRED)),
                "the live version is never simply retired: services would have nothing to screen with");

        // emergency rollback: one call, the previous live version is back, flagged for review afterwards
        PolicyVersion restored = policy.rollbackPolicy(RollbackPolicyRequest.newBuilder().setContext(as("olga")).setKind("prompt")
                .setReason("weaker rule let violence through").build()).await().atMost(WAIT);
        assertEquals(1, restored.getVersion());
        assertEquals(PolicyState.POLICY_LIVE, restored.getState());
        assertTrue(restored.getRollbackNeedsReview());
        assertEquals(1, live(0).getVersion());
        assertEquals(PolicyState.POLICY_RETIRED, versions().get(0).getState());
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> policy.rollbackPolicy(RollbackPolicyRequest.newBuilder()
                .setContext(as("olga")).setKind("prompt").setReason("again").build()).await().atMost(WAIT)),
                "the rolled-back version is never a rollback target");

        // the after-the-fact review: not by whoever rolled back
        assertEquals(Status.Code.PERMISSION_DENIED, refusal(() -> approve("olga", 1, true)));
        assertFalse(approve("rita", 1, true).getRollbackNeedsReview());

        PolicyVersion history = policy.getPolicyVersion(GetPolicyVersionRequest.newBuilder().setKind("prompt").setVersion(2).build())
                .await().atMost(WAIT);
        assertEquals(List.of(PolicyState.POLICY_DRAFT, PolicyState.POLICY_APPROVED, PolicyState.POLICY_SHADOW,
                PolicyState.POLICY_CANARY, PolicyState.POLICY_LIVE, PolicyState.POLICY_RETIRED),
                history.getHistoryList().stream().map(t -> t.getTo()).toList());
        assertTrue(history.getHistory(5).getEmergency());

        // every step is in the audit chain, which still verifies
        String log = String.join("\n", policy.exportAudit(ExportAuditRequest.newBuilder().build()).map(l -> l.getJson())
                .collect().asList().await().atMost(WAIT));
        for (String action : List.of("policy.seeded", "policy.drafted", "policy.approve_refused", "policy.approved",
                "policy.transition", "policy.rollback", "policy.rollback_reviewed")) {
            assertTrue(log.contains("\"action\":\"" + action + "\""), action + " missing from the audit log");
        }
        assertTrue(log.contains("the author of policy:prompt/v2 may not approve it"), "the refusal names why");
        assertTrue(policy.verifyAudit(VerifyAuditRequest.newBuilder().build()).await().atMost(WAIT).getIntact());
    }
}
