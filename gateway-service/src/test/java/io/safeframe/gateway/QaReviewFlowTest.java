package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * Blind second review through the gateway (issue 26, item 5): a held prompt's case is decided by one moderator, the
 * QA queue hands it to another without the first decision, the first decider is refused, bad bodies are 400, the
 * review enforces nothing, and only admins read the agreement figures. report-service runs as its own process with
 * every decided case sampled.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = QaReviewFlowTest.ReportSamplingEverything.class, restrictToAnnotatedClass = true)
class QaReviewFlowTest {

    /** report-service with a second-review share of 1: every decision is sampled. */
    public static class ReportSamplingEverything extends ReportServiceProcess {
        @Override
        protected List<String> options() {
            List<String> out = new ArrayList<>(super.options());
            out.add("-Dsafeframe.qa.second-review-share=1.0");
            return out;
        }
    }

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    @Test
    void aSecondModeratorReviewsBlindNothingIsEnforcedAndAdminsReadTheAgreement() {
        String job = as("qa-owner", "user").body("{\"prompt\":\"mickey mouse dancing in the rain\"}").post("/v1/generations").then()
                .statusCode(202).body("state", equalTo("HELD_FOR_REVIEW")).extract().path("id");
        var claimed = as("qa-first", "moderator").post("/v1/moderation/queues/copyrighted_characters/claim").then().statusCode(200)
                .body("target.id", equalTo(job)).extract();
        String caseId = claimed.path("caseId");
        int version = claimed.path("version");
        as("qa-first", "moderator").body("{\"action\":\"NO_ACTION\",\"facts\":\"A cartoon mouse, first-review facts.\","
                + "\"ground\":\"Terms 3.1\",\"caseVersion\":" + version + "}").post("/v1/moderation/cases/" + caseId + "/decision")
                .then().statusCode(200).body("action", equalTo("NO_ACTION"));
        int noticesBefore = as("qa-owner", "user").get("/v1/me/notices").then().statusCode(200).extract().path("size()");

        // the first decider is never offered the second review, and is refused when they try it directly
        as("qa-first", "moderator").post("/v1/moderation/qa/claim").then().statusCode(404);
        as("qa-first", "moderator").body("{\"action\":\"NO_ACTION\"}").post("/v1/moderation/qa/cases/" + caseId + "/review").then()
                .statusCode(403).body("detail", containsString("another moderator"));
        // users are not moderators
        as("qa-owner", "user").post("/v1/moderation/qa/claim").then().statusCode(403);
        as("qa-owner", "user").body("{\"action\":\"NO_ACTION\"}").post("/v1/moderation/qa/cases/" + caseId + "/review").then().statusCode(403);

        // a colleague gets it blind: no decision, no first moderator, no first statement
        String blind = as("qa-second", "moderator").post("/v1/moderation/qa/claim?queue=copyrighted_characters").then().statusCode(200)
                .body("caseId", equalTo(caseId)).body("decision", nullValue()).body("claimedBy", equalTo("qa-second"))
                .body("state", equalTo("QA_REVIEW")).extract().asString();
        assertFalse(blind.contains("qa-first") || blind.contains("first-review facts"), blind);
        as("qa-second", "moderator").get("/v1/moderation/cases/" + caseId).then().statusCode(200).body("decision", nullValue());
        as("qa-lead", "moderator").get("/v1/moderation/cases/" + caseId).then().statusCode(200).body("decision.action", equalTo("NO_ACTION"));

        // bad input: each refused clearly, nothing recorded
        String review = "/v1/moderation/qa/cases/" + caseId + "/review";
        as("qa-second", "moderator").body("{\"action\":").post(review).then().statusCode(400);
        as("qa-second", "moderator").body("{\"action\":\"SHADOWBAN\"}").post(review).then().statusCode(400);
        as("qa-second", "moderator").body("{\"action\":\"NO_ACTION\",\"agree\":true}").post(review).then().statusCode(400)
                .body("type", containsString("unknown-field"));
        as("qa-second", "moderator").body("{\"action\":\"NO_ACTION\"}").post("/v1/moderation/qa/cases/00000000-0000-0000-0000-000000000000/review")
                .then().statusCode(404);
        as("qa-third", "moderator").body("{\"action\":\"NO_ACTION\"}").post(review).then().statusCode(409);

        // the reviewer would have removed it: recorded, compared, never applied
        as("qa-second", "moderator").body("{\"action\":\"REMOVE_CONTENT\"}").post(review).then().statusCode(200)
                .body("action", equalTo("REMOVE_CONTENT")).body("reviewedBy", equalTo("qa-second")).body("caseId", equalTo(caseId));
        as("qa-second", "moderator").body("{\"action\":\"REMOVE_CONTENT\"}").post(review).then().statusCode(409);
        // (202 while the job is still running: the NO_ACTION decision released it)
        as("qa-owner", "user").get("/v1/generations/" + job).then().body("state", not(equalTo("BLOCKED")));
        int noticesAfter = as("qa-owner", "user").get("/v1/me/notices").then().statusCode(200).extract().path("size()");
        assertEquals(noticesBefore, noticesAfter, "a second review sends the owner nothing");

        // the figures: admins only. One pair (NO_ACTION, REMOVE_CONTENT): raw 0, p_e = 1*0 + 0*1 = 0, kappa = (0 - 0) / 1 = 0
        as("qa-owner", "user").get("/v1/admin/qa/agreement").then().statusCode(403);
        as("qa-second", "moderator").get("/v1/admin/qa/agreement").then().statusCode(403);
        as("qa-admin", "admin").get("/v1/admin/qa/agreement").then().statusCode(200)
                .body("sampled", equalTo(1)).body("waiting", equalTo(0)).body("doubleReviewed", equalTo(1)).body("agreed", equalTo(0))
                .body("rawAgreement", equalTo(0.0f)).body("kappa", equalTo(0.0f))
                .body("moderators.find { it.key == 'qa-first' }.doubleReviewed", equalTo(1))
                .body("moderators.find { it.key == 'qa-second' }.agreed", equalTo(0))
                .body("queues[0].key", equalTo("copyrighted_characters"));
    }
}
