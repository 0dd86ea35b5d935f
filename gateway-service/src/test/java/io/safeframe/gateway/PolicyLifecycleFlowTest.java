package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.PromptGuardGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;
import io.safeframe.testing.Scrape;

/**
 * The whole policy lifecycle in one run (issue 24, must show), through the gateway's admin API with real tokens, against
 * real policy-service and report-service processes and TWO prompt-guard instances that load their policy from the
 * store: an author drafts a weaker rule and cannot approve it (403); a reviewer approves; in shadow it diverges on
 * replayed traffic without acting; a backtest reports what it changes; as a canary it acts for a deterministic share of
 * accounts, each always in the same arm, with per-arm metrics; promoted, both instances apply it; rolled back, both
 * instances are back on the old behaviour within seconds.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = PolicyLifecycleFlowTest.StoreGuard.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PolicyLifecycleFlowTest.SecondStoreGuard.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class PolicyLifecycleFlowTest {

    /** prompt-guard with the policy store on (polled every second) and a 50 % canary, as the gateway's guard. */
    public static class StoreGuard extends GuardServiceProcess {
        @Override
        protected List<String> options() {
            List<String> out = new ArrayList<>(super.options());
            // both spellings: the module's %test value turns the store off, and a profile value wins over a plain one
            for (String prefix : List.of("", "%test.")) {
                out.addAll(List.of("-D" + prefix + "safeframe.guard.policy-store.enabled=true", "-D" + prefix + "safeframe.guard.policy-store.poll-every=1s",
                        "-D" + prefix + "safeframe.guard.canary.percent=50"));
            }
            return out;
        }
    }

    /** A second instance of the same service on its own ports: what "every instance" means in the rollback. */
    public static class SecondStoreGuard extends StoreGuard {
        static final int SECOND_PORT = 9192;

        @Override
        protected int port() {
            return SECOND_PORT;
        }

        @Override
        protected String clientName() {
            return "guard-second-instance";
        }
    }

    private static final String BASE = "/v1/admin/policies/prompt";
    private static final String ZEBRAFISH = "a zebrafish swimming in a glass tank";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ManagedChannel> CHANNELS = new ArrayList<>();

    @AfterAll
    static void closeChannels() {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
    }

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    /** What one prompt-guard instance decides for the zebrafish prompt with no account (always the live version). */
    private static Decision decisionOn(int tlsPort) {
        ManagedChannel channel = IdentityChannels.as("gateway-service", tlsPort);
        try {
            return PromptGuardGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .screen(ScreenRequest.newBuilder().setContext(RequestContext.newBuilder().setCorrelationId("lc-" + UUID.randomUUID()))
                            .setText(ZEBRAFISH).build()).getVerdict().getDecision();
        } finally {
            channel.shutdownNow();
        }
    }

    private static final int[] INSTANCES = { GuardServiceProcess.PORT + 400, SecondStoreGuard.SECOND_PORT + 400 };

    /** Milliseconds until every instance decides {@code expected}; fails after {@link Await#WAIT}. */
    private static long everyInstanceDecides(Decision expected) throws InterruptedException {
        return Await.millisUntil(() -> {
            for (int port : INSTANCES) {
                if (decisionOn(port) != expected) {
                    return false;
                }
            }
            return true;
        }, "every instance decides " + expected);
    }

    @SuppressWarnings("unchecked")
    private static String withAquariumRule(Map<String, Object> live, String label, String decision) throws Exception {
        Map<String, Object> doc = new HashMap<>(live);
        List<Object> categories = new ArrayList<>((List<Object>) doc.get("categories"));
        categories.add(0, Map.of("code", "aquarium_test", "name", "Aquarium test rule", "severity", 3, "decision", decision,
                "terms", List.of("zebrafish")));
        doc.put("categories", categories);
        doc.put("version", label);
        return JSON.writeValueAsString(doc);
    }

    private static int draft(String author, String document, String reason) {
        return as(author, "admin").body("{\"reason\":\"" + reason + "\",\"document\":" + document + "}").post(BASE + "/versions").then()
                .log().ifValidationFails().statusCode(201).body("state", equalTo("draft")).extract().path("version");
    }

    private static void move(int version, String to) {
        as("lc-olga", "admin").body(Map.of("to", to, "reason", "lifecycle step: " + to)).post(BASE + "/versions/" + version + "/transition")
                .then().log().ifValidationFails().statusCode(200).body("state", equalTo(to));
    }

    /** The gateway's prompt-guard instance's screenings in one canary arm with one decision, as Prometheus reads them. */
    private static double armScreenings(String arm, String decision) {
        return Scrape.of(GuardServiceProcess.PORT + 500).count("safeframe_policy_arm_screenings_total", Map.of("arm", arm, "decision", decision));
    }

    /** The moderation queue whose open cases include the one about this generation. */
    private static String queueHolding(String jobId) {
        for (String queue : as("lc-mod", "moderator").get("/v1/moderation/queues").then().statusCode(200).extract().jsonPath()
                .<String>getList("queue")) {
            List<String> targets = as("lc-mod", "moderator").get("/v1/moderation/queues/" + queue + "/cases?limit=200").then().statusCode(200)
                    .extract().jsonPath().getList("target.id");
            if (targets.contains(jobId)) {
                return queue;
            }
        }
        throw new AssertionError("no queue holds the case of " + jobId);
    }

    private static Response generate(String user, String prompt) {
        return as(user, "user").body(Map.of("prompt", prompt)).post("/v1/generations");
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /** A published video whose prompt was screened under the policy with this label (a job the pipeline finished). */
    private UUID publishedUnder(String policyLabel) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("insert into generation_job (job_id, account_id, state, duration_seconds, aspect, correlation_id, verdicts) "
                + "values ($1, $2, 'PUBLISHED', 4, '16:9', $3, $4)").execute(io.vertx.mutiny.sqlclient.Tuple.of(id, "lc-creator-" + id,
                        "corr-" + id, "[{\"source\":\"prompt-guard\",\"decision\":\"ALLOW\",\"policyVersion\":\"" + policyLabel + "\"}]"))
                .await().atMost(Duration.ofSeconds(10));
        return id;
    }

    @Test
    void draftReviewShadowBacktestCanaryPromoteAndRollBackOnEveryInstance() throws Exception {
        // the empty store was seeded with the built-in policy as v1; both instances screen with it
        Await.millisUntil(() -> as("lc-olga", "admin").get(BASE + "/versions").then().extract().statusCode() == 200
                && as("lc-olga", "admin").get(BASE + "/versions").then().extract().jsonPath().getList("versions.state").contains("live"),
                "a live version in the store");
        everyInstanceDecides(Decision.ALLOW);
        Map<String, Object> seeded = as("lc-olga", "admin").get(BASE + "/versions/1").then().statusCode(200).extract().jsonPath().getMap("document");

        // the rule in force before the change: zebrafish prompts are blocked (reviewed and made live the normal way)
        int strict = draft("lc-ana", withAquariumRule(seeded, "lc-strict", "BLOCK"), "block zebrafish");
        as("lc-rita", "moderator", "policy_reviewer").body(Map.of("reason", "read the diff")).post(BASE + "/versions/" + strict + "/approve")
                .then().statusCode(200);
        move(strict, "live");
        everyInstanceDecides(Decision.BLOCK);

        // 1. the author drafts a WEAKER rule (BLOCK → REVIEW) and cannot approve it, even holding the reviewer role
        int weaker = draft("lc-ana", withAquariumRule(seeded, "lc-weaker", "REVIEW"), "zebrafish only held");
        as("lc-ana", "admin", "policy_reviewer").body(Map.of("reason", "mine")).post(BASE + "/versions/" + weaker + "/approve").then()
                .statusCode(403).body("detail", containsString("may not approve"));
        as("lc-rita", "moderator", "policy_reviewer").body(Map.of("reason", "held is enough for a test rule"))
                .post(BASE + "/versions/" + weaker + "/approve").then().statusCode(200).body("approvedBy", equalTo("lc-rita"));

        // 2. shadow: replayed traffic is still blocked by live; the divergence is recorded with both decisions
        move(weaker, "shadow");
        Await.millisUntil(() -> {
            generate("lc-shadow-" + UUID.randomUUID(), ZEBRAFISH).then().statusCode(422);
            var report = as("lc-rita", "moderator", "policy_reviewer").get(BASE + "/shadow/report").then().statusCode(200).extract().jsonPath();
            return report.getInt("total") >= 1;
        }, "a divergence in the shadow report");
        as("lc-rita", "moderator", "policy_reviewer").get(BASE + "/shadow/report").then().statusCode(200)
                .body("candidateVersion", equalTo(weaker))
                .body("groups.find { it.category == 'aquarium_test' }.live", equalTo("BLOCK"))
                .body("groups.find { it.category == 'aquarium_test' }.candidate", equalTo("REVIEW"));

        // 3. backtest on a labelled set: the candidate still flags the unsafe line but no longer blocks it
        String set = "{\"text\":\"" + ZEBRAFISH + "\",\"label\":\"unsafe\",\"category\":\"aquarium_test\"}\n"
                + "{\"text\":\"a goldfish in a round bowl on a desk\",\"label\":\"safe\"}";
        var backtest = as("lc-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson")
                .body(set.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post(BASE + "/versions/" + weaker + "/backtest").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(1, backtest.getInt("changed"), backtest.prettify());
        assertEquals("BLOCK", backtest.getString("changes[0].live"));
        assertEquals("REVIEW", backtest.getString("changes[0].candidate"));

        // 4. canary: it acts for a deterministic half of the accounts; each account stays in its arm; counted per arm
        move(weaker, "canary");
        Await.millisUntil(() -> {
            // the canary is in force once some account is held rather than blocked
            return generate("lc-probe-" + UUID.randomUUID(), ZEBRAFISH).statusCode() == 202;
        }, "the canary acting for some account");
        double canaryBefore = armScreenings("canary", "REVIEW");
        double liveBefore = armScreenings("live", "BLOCK");
        int held = 0;
        int blocked = 0;
        java.util.Set<String> heldJobs = new java.util.HashSet<>();
        for (int i = 0; i < 16; i++) {
            String user = "lc-arm-" + i + "-" + UUID.randomUUID();
            Response first = generate(user, ZEBRAFISH + " " + i);
            int second = generate(user, ZEBRAFISH + " again " + i).statusCode();
            assertEquals(first.statusCode(), second, user + " changed arms within one experiment");
            assertTrue(first.statusCode() == 202 || first.statusCode() == 422, "status " + first.statusCode());
            if (first.statusCode() == 202) {
                held++;
                heldJobs.add(first.path("id"));
            } else {
                blocked++;
            }
        }
        assertTrue(held >= 2 && blocked >= 2, "a 50 % canary splits 16 accounts: held " + held + ", blocked " + blocked);
        assertEquals(2.0 * held, armScreenings("canary", "REVIEW")
                - canaryBefore, 0.0, "canary arm screenings");
        assertEquals(2.0 * blocked, armScreenings("live", "BLOCK")
                - liveBefore, 0.0, "live arm screenings");

        // what people say about each arm: a moderator finds a prompt the canary held not violating (an over-flag)
        // (near-identical prompts from new accounts also open a CAMPAIGN case, maybe in the same queue and ahead: the
        // moderator keeps claiming until the claimed case is one of the held prompts)
        String queue = queueHolding(heldJobs.iterator().next());
        io.restassured.response.ExtractableResponse<Response> claimed = null;
        for (int attempt = 0; attempt < 10 && claimed == null; attempt++) {
            var next = as("lc-mod", "moderator").post("/v1/moderation/queues/" + queue + "/claim").then().statusCode(200).extract();
            if (heldJobs.contains(next.<String>path("target.id"))) {
                claimed = next;
            }
        }
        assertTrue(claimed != null, "a held prompt's case was claimed");
        as("lc-mod", "moderator").body("{\"action\":\"NO_ACTION\",\"facts\":\"A fish in a tank.\",\"ground\":\"Terms §7\","
                + "\"caseVersion\":" + claimed.path("version") + "}")
                .post("/v1/moderation/cases/" + claimed.path("caseId") + "/decision").then().statusCode(200);
        // one video published under each arm's policy; a viewer reports the canary's: the arms' user-report rates
        UUID canaryVideo = publishedUnder("lc-weaker");
        publishedUnder("lc-strict");
        as("lc-viewer", "user").body("{\"targetType\":\"content\",\"targetId\":\"" + canaryVideo + "\",\"category\":\"violence_gore\","
                + "\"explanation\":\"a fish is hurt at 0:02\",\"goodFaith\":true}").post("/v1/reports").then().statusCode(201);
        as("lc-user", "user").get(BASE + "/canary/outcomes").then().statusCode(403);
        var outcomes = as("lc-rita", "moderator", "policy_reviewer").get(BASE + "/canary/outcomes").then().statusCode(200)
                .body("canaryVersion", equalTo(weaker)).body("canaryLabel", equalTo("lc-weaker")).body("liveLabel", equalTo("lc-strict"))
                .extract().jsonPath();
        assertEquals(1, outcomes.getInt("canary.judged"), outcomes.prettify());
        assertEquals(1, outcomes.getInt("canary.overFlagged"));
        assertEquals(1.0, outcomes.getDouble("canary.overturnRate"), 0.0);
        assertEquals(0, outcomes.getInt("live.judged"), "live blocked its arm's prompts: no case, no label");
        assertEquals(1, outcomes.getInt("canary.published"), outcomes.prettify());
        assertEquals(1.0, outcomes.getDouble("canary.userReportRate"), 0.0);
        assertEquals(1, outcomes.getInt("live.published"));
        assertEquals(0.0, outcomes.getDouble("live.userReportRate"), 0.0);

        // 5. promoted: every instance applies it to everyone
        as("lc-rita", "moderator", "policy_reviewer").queryParam("version", weaker).get(BASE + "/canary/outcomes").then().statusCode(200)
                .body("canary.judged", equalTo(1));
        move(weaker, "live");
        // what was measured stays with the version: the backtest and, taken as the canary ended, its outcomes
        var kept = as("lc-rita", "moderator", "policy_reviewer").get(BASE + "/versions/" + weaker).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("backtest", "canary-outcomes"), kept.getList("evaluations.evaluation"), kept.prettify());
        assertEquals(1, kept.getInt("evaluations[0].summary.changed"));
        assertEquals(1.0, kept.getDouble("evaluations[1].summary.canary.userReportRate"), 0.0);
        assertEquals("lc-olga", kept.getString("evaluations[1].recordedBy"));
        // no canary now; and the promoted version compared with itself (live) says nothing
        as("lc-rita", "moderator", "policy_reviewer").get(BASE + "/canary/outcomes").then().statusCode(409);
        as("lc-rita", "moderator", "policy_reviewer").queryParam("version", weaker).get(BASE + "/canary/outcomes").then().statusCode(409);
        long promoted = everyInstanceDecides(Decision.REVIEW);

        // 6. emergency rollback: the strict rule is back on every instance within seconds
        as("lc-olga", "admin").body(Map.of("reason", "zebrafish must be blocked")).post(BASE + "/rollback").then().statusCode(200)
                .body("version", equalTo(strict)).body("state", equalTo("live"));
        long rolledBack = everyInstanceDecides(Decision.BLOCK);
        System.out.printf("policy lifecycle: held %d / blocked %d accounts in the canary; promotion on both instances after %d ms, rollback after %d ms%n",
                held, blocked, promoted, rolledBack);
        assertTrue(rolledBack < 10_000, "rollback took " + rolledBack + " ms");
    }
}
