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

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.PromptGuardGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenRequest;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Retroactive enforcement of a changed prompt rule (issue 24 item 5): videos published while the old rule was live
 * are re-checked by the new one from the encrypted window of recent screenings; each one it would hold opens a case
 * (never a removal), at most the configured number of new cases per run ({@code %test} max-cases 2), the rest deferred
 * to the next run, where the cases already open are joined rather than opened twice. Real tokens, real policy-service,
 * prompt-guard (following the store) and report-service processes; the pipeline finishing a job is simulated by
 * marking it published, which is not what this test is about.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = PolicyLifecycleFlowTest.StoreGuard.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class RetroactiveRunTest {

    private static final String BASE = "/v1/admin/policies/prompt";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A made-up word no other test's prompt contains: only this test's videos match the new rule. */
    private static final String WORD = "lumifrax";

    @Inject
    Pool pool;

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private static Decision guardDecides(String text) {
        ManagedChannel channel = IdentityChannels.as("gateway-service", GuardServiceProcess.PORT + 400);
        try {
            return PromptGuardGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).screen(ScreenRequest.newBuilder()
                    .setContext(RequestContext.newBuilder().setCorrelationId("retro-" + UUID.randomUUID())).setText(text).build())
                    .getVerdict().getDecision();
        } finally {
            channel.shutdownNow();
        }
    }

    private String publishedVideo(String user, String prompt) {
        String id = as(user, "user").body(Map.of("prompt", prompt)).post("/v1/generations").then().log().ifValidationFails()
                .statusCode(202).extract().path("id");
        pool.preparedQuery("update generation_job set state = 'PUBLISHED', lease_owner = null, lease_until = null where job_id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(Duration.ofSeconds(10));
        return id;
    }

    private JsonPath run() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            var answer = as("retro-olga", "admin").queryParam("hours", 1).post(BASE + "/retroactive").then().extract();
            // 409 while prompt-guard has not loaded the new live version yet
            if (answer.statusCode() == 200 || System.nanoTime() > deadline) {
                assertEquals(200, answer.statusCode(), answer.asString());
                return answer.jsonPath();
            }
            Thread.sleep(300);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChangedRuleReChecksPublishedVideosAndOpensCasesWithinItsLimit() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!as("retro-olga", "admin").get(BASE + "/versions").then().extract().jsonPath().getList("versions.state").contains("live")) {
            assertTrue(System.nanoTime() < until, "the seeded prompt policy");
            Thread.sleep(200);
        }
        int seededVersion = as("retro-olga", "admin").get(BASE + "/versions").then().extract().jsonPath()
                .getInt("versions.find { it.state == 'live' }.version");
        Map<String, Object> seeded = as("retro-olga", "admin").get(BASE + "/versions/" + seededVersion).then().extract().jsonPath().getMap("document");

        // three videos about the made-up word and one about sheep, published under the rule live now
        String marker = UUID.randomUUID().toString().substring(0, 6);
        List<String> matching = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            matching.add(publishedVideo("retro-user-" + i, "a " + WORD + " glowing over the harbour at night, take " + i + " " + marker));
        }
        publishedVideo("retro-user-9", "a meadow with sheep under a blue sky " + marker);

        // nothing to do while the rule that screened them is still live
        JsonPath before = run();
        assertEquals(0, before.getInt("flagged"), before.prettify());

        // the changed rule: the made-up word is held for review from now on
        Map<String, Object> doc = new HashMap<>(seeded);
        List<Object> categories = new ArrayList<>((List<Object>) doc.get("categories"));
        categories.add(0, Map.of("code", "aquarium_test", "name", "Retroactive test rule", "severity", 3, "decision", "REVIEW",
                "terms", List.of(WORD)));
        doc.put("categories", categories);
        doc.put("version", "retro-" + marker);
        int changed = as("retro-ana", "admin").body("{\"reason\":\"hold " + WORD + "\",\"document\":" + JSON.writeValueAsString(doc) + "}")
                .post(BASE + "/versions").then().statusCode(201).extract().path("version");
        as("retro-rita", "moderator", "policy_reviewer").body(Map.of("reason", "ok")).post(BASE + "/versions/" + changed + "/approve").then().statusCode(200);
        as("retro-olga", "admin").body(Map.of("to", "live", "reason", "go")).post(BASE + "/versions/" + changed + "/transition").then().statusCode(200);
        until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (guardDecides("a " + WORD + " at dawn") != Decision.REVIEW) {
            assertTrue(System.nanoTime() < until, "prompt-guard follows the new live version");
            Thread.sleep(300);
        }

        // first run: three of this test's videos flagged, two cases opened (the limit), one deferred
        JsonPath first = run();
        assertEquals(changed, first.getInt("version"));
        assertTrue(first.getInt("rechecked") >= 4, first.prettify());
        assertEquals(3, first.getInt("flagged"), first.prettify());
        assertEquals(2, first.getInt("casesOpened"));
        assertEquals(1, first.getInt("deferred"));
        List<String> opened = first.getList("cases.jobId");
        assertTrue(matching.containsAll(opened), first.prettify());
        String caseId = first.getString("cases[0].caseId");
        as("retro-mod", "moderator").get("/v1/moderation/cases/" + caseId).then().statusCode(200)
                .body("target.id", equalTo(opened.get(0))).body(containsString("retroactive run of prompt policy retro-" + marker));

        // the next run picks up the deferred one; the open cases are joined, not opened twice
        JsonPath second = run();
        assertEquals(1, second.getInt("casesOpened"), second.prettify());
        assertEquals(2, second.getInt("casesJoined"));
        assertEquals(0, second.getInt("deferred"));

        // both runs are kept with the version, without prompt text
        JsonPath version = as("retro-rita", "moderator", "policy_reviewer").get(BASE + "/versions/" + changed).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("retroactive", "retroactive"), version.getList("evaluations.evaluation"), version.prettify());
        assertTrue(version.prettify().indexOf("harbour") < 0, "no prompt text kept with the run");

        // who may, and what is refused
        as("retro-user-0", "user").post(BASE + "/retroactive").then().statusCode(403);
        as("retro-mod", "moderator").post(BASE + "/retroactive").then().statusCode(403);
        as("retro-olga", "admin").queryParam("hours", -1).post(BASE + "/retroactive").then().statusCode(400);
        as("retro-olga", "admin").post("/v1/admin/policies/classifier/retroactive").then().statusCode(409);
        as("retro-olga", "admin").post("/v1/admin/policies/tiers/retroactive").then().statusCode(409);
        as("retro-olga", "admin").post("/v1/admin/policies/tiers-of-doom/retroactive").then().statusCode(404);
    }
}
