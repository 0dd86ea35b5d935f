package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * A backtest on live traffic (issue 24 item 3b): prompts users really sent are kept in policy-service's encrypted
 * window; a moderator's decision on one of them becomes its label; a candidate replayed on the window shows what it
 * would block that live lets through (unlabelled lines, in the shifts and the changed lines) and how precise each
 * policy is on the labelled ones. Real tokens, real policy-service, prompt-guard and report-service processes.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class RecentBacktestTest {

    private static final String BASE = "/v1/admin/policies/prompt";
    /** Unlabelled lines that live allowed and the candidate blocks. */
    private static final String NEW_BLOCKS = "changes.findAll { it.label == 'unlabelled' && it.live == 'ALLOW' && it.candidate == 'BLOCK' }";

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    @Test
    void aCandidateReplayedOnRecentScreeningsShowsWhatItWouldChange() throws InterruptedException {
        String marker = UUID.randomUUID().toString().substring(0, 8);
        String lighthouse = "a lighthouse on a cliff at dusk, painted " + marker;
        as("rb-user", "user").body(Map.of("prompt", lighthouse)).post("/v1/generations").then().log().ifValidationFails().statusCode(202);
        String held = as("rb-user2", "user").body(Map.of("prompt", "mickey mouse riding a bicycle " + marker)).post("/v1/generations").then()
                .log().ifValidationFails().statusCode(202).body("state", equalTo("HELD_FOR_REVIEW")).extract().path("id");
        // a moderator judges the held prompt: that decision is its label
        var claimed = as("rb-mod", "moderator").post("/v1/moderation/queues/copyrighted_characters/claim").then().statusCode(200)
                .body("target.id", equalTo(held));
        as("rb-mod", "moderator").body("{\"action\":\"REMOVE_CONTENT\",\"facts\":\"A trademarked character.\",\"ground\":\"Terms §7 "
                + "intellectual property\",\"caseVersion\":" + claimed.extract().path("version") + "}")
                .post("/v1/moderation/cases/" + claimed.extract().path("caseId") + "/decision").then().statusCode(200);

        int candidate = as("rb-admin", "admin").body("{\"reason\":\"lighthouses are violent now\",\"document\":{\"version\":\"gw-recent\","
                + "\"benign\":[],\"categories\":[{\"code\":\"violence\",\"name\":\"Violence\",\"severity\":4,\"decision\":\"BLOCK\","
                + "\"terms\":[\"lighthouse\"]}]}}").post(BASE + "/versions").then().statusCode(201).extract().path("version");
        String path = BASE + "/versions/" + candidate + "/backtest/recent";

        // the window is written beside the audit event, not before the user's answer: wait for the line to be there
        JsonPath report = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            report = as("rb-rita", "moderator", "policy_reviewer").queryParam("hours", 1).post(path).then().statusCode(200).extract().jsonPath();
            if (!report.getList(NEW_BLOCKS).isEmpty() && report.getInt("unsafe") >= 1) {
                break;
            }
            Thread.sleep(250);
        }
        assertNotNull(report);
        // the lighthouse prompt: nobody judged it, so the reviewer sees its decisions and rule but not its text
        List<Map<String, Object>> newBlocks = report.getList(NEW_BLOCKS);
        assertEquals(1, newBlocks.size(), report.prettify());
        assertEquals(null, newBlocks.get(0).get("text"));
        assertEquals(true, newBlocks.get(0).get("textWithheld"));
        assertTrue(report.getInt("unlabelled") >= 1);
        // the judged (held) prompt keeps its text: a moderator read it in the case
        assertTrue(report.getList("changes.findAll { it.label != 'unlabelled' }.text").stream().allMatch(t -> t != null), report.prettify());
        assertTrue(report.prettify().indexOf(lighthouse) < 0, "the unjudged prompt's text is nowhere in the report");
        // the shift: the candidate blocks under violence what live allowed
        assertTrue(report.getInt("shifts.find { it.category == 'violence' }.candidateBlock") >= 1, report.prettify());
        // the moderator's label: the held prompt counts as unsafe, and live (which held it) was precise on it
        assertTrue(report.getInt("unsafe") >= 1, report.prettify());
        assertTrue(report.getInt("live.caught") >= 1, report.prettify());
        assertNotNull(report.get("live.precision"));

        // who may, and what is refused
        as("rb-user", "user").post(path).then().statusCode(403);
        as("rb-mod", "moderator").post(path).then().statusCode(403);
        as("rb-admin", "admin").queryParam("hours", -1).post(path).then().statusCode(400);
        as("rb-admin", "admin").queryParam("hours", "many").post(path).then().statusCode(404);
        as("rb-admin", "admin").post(BASE + "/versions/99999/backtest/recent").then().statusCode(404);
        as("rb-admin", "admin").post("/v1/admin/policies/tiers-of-doom/versions/1/backtest/recent").then().statusCode(404);
    }
}
