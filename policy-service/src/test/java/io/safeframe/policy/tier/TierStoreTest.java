package io.safeframe.policy.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.ApprovePolicyVersionRequest;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.AuthorizeResponse;
import io.safeframe.api.v1.DraftPolicyVersionRequest;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.GetPolicyVersionRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.PolicyState;
import io.safeframe.api.v1.PolicyVersion;
import io.safeframe.api.v1.RecordPolicyEvaluationRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.RollbackPolicyRequest;
import io.safeframe.api.v1.TransitionPolicyVersionRequest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Usage tiers as versions of the policy store: the built-in tiers seed it, a reviewed version changes what Authorize
 * grants, a rollback restores it, a draft the catalogue would refuse is never stored. And what was measured about a
 * version is kept with it.
 */
@QuarkusTest
class TierStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    TierCatalogue catalogue;

    @Inject
    Pool pool;

    private static RequestContext as(String actor) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId("corr-tiers-" + actor).build();
    }

    private static String tiers(int freePerDay, String extra) {
        return "{\"version\":\"tiers-test-" + freePerDay + "\",\"tiers\":{"
                + "\"free\":{\"generationsPerDay\":" + freePerDay + ",\"burstPerMinute\":100,\"maxVideoSeconds\":10,\"concurrentJobs\":100},"
                + "\"throttled\":{\"generationsPerDay\":1,\"burstPerMinute\":1,\"maxVideoSeconds\":5,\"concurrentJobs\":1}" + extra + "}}";
    }

    private PolicyVersion draft(String document) {
        return policy.draftPolicyVersion(DraftPolicyVersionRequest.newBuilder().setContext(as("olga")).setKind("tiers")
                .setDocumentJson(document).setReason("launch promotion: fewer free generations").build()).await().atMost(WAIT);
    }

    private static Status.Code refusal(Supplier<?> call) {
        return assertThrows(StatusRuntimeException.class, call::get).getStatus().getCode();
    }

    private int grantedOf(int attempts) {
        String account = "tier-user-" + UUID.randomUUID();
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            AuthorizeResponse r = policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(5).setIdempotencyKey("k" + i)
                    .setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("corr-" + account + i)).build())
                    .await().atMost(WAIT);
            granted += r.getGranted() ? 1 : 0;
        }
        return granted;
    }

    @Test
    void reviewedTierVersionsChangeWhatAuthorizeGrantsAndRollBack() {
        // the built-in tiers seed the empty store; the catalogue then follows it
        String first = catalogue.follow().await().atMost(WAIT);
        assertTrue(first.startsWith("applied v") || first.equals("unchanged"), first); // another test may have seeded it
        int seeded = catalogue.version();
        assertTrue(seeded > 0, "a store version is in force, not the built-in tiers");
        assertEquals(10, catalogue.policyFor("free").generationsPerDay(), "the seed is application.properties' free tier");
        assertEquals("unchanged", catalogue.follow().await().atMost(WAIT));

        // drafts the catalogue would refuse are never stored
        pool.preparedQuery("insert into account (account_id, tier) values ($1, 'plus') on conflict do nothing")
                .execute(Tuple.of("tier-holder-plus")).await().atMost(WAIT);
        String[] bad = { "{\"version\":\"x\",", "{\"version\":\"x\",\"tiers\":{}}", tiers(3, "").replace("\"throttled\"", "\"slow\""),
                tiers(0, ""), tiers(3, "").replace("\"generationsPerDay\":3", "\"generationsPerDay\":\"3\""),
                tiers(3, "").replace("\"concurrentJobs\":100", "\"concurrentJobs\":100,\"colour\":\"red\""),
                tiers(3, "").replace("\"generationsPerDay\":3", "\"generationsPerDay\":3.5"), tiers(3, "") /* drops held tiers */ };
        int before = versions();
        for (String document : bad) {
            assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> draft(document)), document);
        }
        assertEquals(before, versions(), "nothing refused was stored");
        assertTrue(refusalMessage(() -> draft(tiers(3, ""))).contains("plus"), "names the tiers accounts hold");

        // the seeded document with a smaller, busier free tier: every tier accounts hold is still there
        io.vertx.core.json.JsonObject document = new io.vertx.core.json.JsonObject(policy.getPolicyVersion(GetPolicyVersionRequest
                .newBuilder().setKind("tiers").setVersion(seeded).build()).await().atMost(WAIT).getDocumentJson());
        document.put("version", "tiers-launch").getJsonObject("tiers").put("free", new io.vertx.core.json.JsonObject()
                .put("generationsPerDay", 3).put("burstPerMinute", 100).put("maxVideoSeconds", 10).put("concurrentJobs", 100));
        String launch = document.encode();

        // a reviewed version goes live and Authorize grants by it
        PolicyVersion drafted = draft(launch);
        assertEquals(PolicyState.POLICY_DRAFT, drafted.getState());
        assertEquals(Status.Code.PERMISSION_DENIED, refusal(() -> approve("olga", drafted.getVersion())), "not by its author");
        approve("rita", drafted.getVersion());
        move(drafted.getVersion(), PolicyState.POLICY_LIVE);
        assertEquals("applied v" + drafted.getVersion(), catalogue.follow().await().atMost(WAIT));
        assertEquals(3, catalogue.policyFor("free").generationsPerDay());
        assertEquals(3, grantedOf(5), "three generations a day on the new free tier");

        // one-step rollback restores the seeded tiers
        policy.rollbackPolicy(RollbackPolicyRequest.newBuilder().setContext(as("olga")).setKind("tiers").setReason("complaints")
                .build()).await().atMost(WAIT);
        assertEquals("applied v" + seeded, catalogue.follow().await().atMost(WAIT));
        assertEquals(10, catalogue.policyFor("free").generationsPerDay());
        assertEquals(2, grantedOf(5), "the built-in free tier again: two jobs at once (none of these commits)");

        String log = String.join("\n", policy.exportAudit(ExportAuditRequest.newBuilder().build()).map(l -> l.getJson())
                .collect().asList().await().atMost(WAIT));
        assertTrue(log.contains("\"target\":\"policy:tiers/v" + drafted.getVersion() + "\""), "tier moves are audited");
    }

    @Test
    void whatWasMeasuredIsKeptWithTheVersion() {
        catalogue.follow().await().atMost(WAIT);
        int version = catalogue.version();
        String summary = "{\"source\":\"a labelled set\",\"live\":{\"recall\":0.9},\"candidate\":{\"recall\":0.95}}";
        policy.recordPolicyEvaluation(RecordPolicyEvaluationRequest.newBuilder().setContext(as("rita")).setKind("tiers")
                .setVersion(version).setEvaluation("backtest").setSummaryJson(summary).setHeadline("recall .90 -> .95").build())
                .await().atMost(WAIT);
        PolicyVersion v = policy.getPolicyVersion(GetPolicyVersionRequest.newBuilder().setKind("tiers").setVersion(version).build())
                .await().atMost(WAIT);
        assertFalse(v.getEvaluationsList().isEmpty());
        var kept = v.getEvaluations(v.getEvaluationsCount() - 1);
        assertEquals("backtest", kept.getEvaluation());
        assertEquals("rita", kept.getRecordedBy());
        assertTrue(kept.getSummaryJson().contains("\"recall\": 0.95") || kept.getSummaryJson().contains("\"recall\":0.95"), kept.getSummaryJson());

        // refused: an evaluation kind nobody defined, a summary that is no JSON object, no headline, no such version
        RecordPolicyEvaluationRequest good = RecordPolicyEvaluationRequest.newBuilder().setContext(as("rita")).setKind("tiers")
                .setVersion(version).setEvaluation("backtest").setSummaryJson(summary).setHeadline("h").build();
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> record(good.toBuilder().setEvaluation("vibes").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> record(good.toBuilder().setSummaryJson("[1]").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> record(good.toBuilder().setSummaryJson("{\"a\":").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refusal(() -> record(good.toBuilder().setHeadline(" ").build())));
        assertEquals(Status.Code.NOT_FOUND, refusal(() -> record(good.toBuilder().setVersion(9999).build())));
        assertEquals(1, policy.getPolicyVersion(GetPolicyVersionRequest.newBuilder().setKind("tiers").setVersion(version).build())
                .await().atMost(WAIT).getEvaluationsList().stream().filter(e -> e.getHeadline().equals("recall .90 -> .95")).count(),
                "nothing refused was kept");
    }

    private int versions() {
        return policy.listPolicyVersions(io.safeframe.api.v1.ListPolicyVersionsRequest.newBuilder().setKind("tiers").build())
                .await().atMost(WAIT).getVersionsCount();
    }

    private Object record(RecordPolicyEvaluationRequest r) {
        return policy.recordPolicyEvaluation(r).await().atMost(WAIT);
    }

    private String refusalMessage(Supplier<?> call) {
        return assertThrows(StatusRuntimeException.class, call::get).getStatus().getDescription();
    }

    private PolicyVersion approve(String actor, int version) {
        return policy.approvePolicyVersion(ApprovePolicyVersionRequest.newBuilder().setContext(as(actor)).setKind("tiers")
                .setVersion(version).setReason("checked capacity").setActorIsReviewer(true).build()).await().atMost(WAIT);
    }

    private PolicyVersion move(int version, PolicyState to) {
        return policy.transitionPolicyVersion(TransitionPolicyVersionRequest.newBuilder().setContext(as("olga")).setKind("tiers")
                .setVersion(version).setTo(to).setReason("capacity reviewed").build()).await().atMost(WAIT);
    }
}
