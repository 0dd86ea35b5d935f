package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Bulk actions (issue 26 item 5): a moderator removes a set of reported videos in one request; each case is claimed
 * and decided on its own, so each owner gets their own statement of reasons, and a case that cannot be decided (decided
 * already, unknown, one the moderator reported) is refused with its reason while the others go through. Real tokens,
 * real report-service and policy-service processes.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class BulkDecisionTest {

    private static final String BULK = "/v1/moderation/cases/bulk-decision";
    private static final JsonObject REMOVE = new JsonObject().put("action", "REMOVE_CONTENT")
            .put("facts", "One of a wave of identical spam videos advertising a scam.").put("ground", "Terms §4 spam");

    @Inject
    Pool pool;

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    /** A published video of {@code owner} (the pipeline finishing a job is not what this test is about). */
    private String publishedVideo(String owner) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("insert into generation_job (job_id, account_id, state, duration_seconds, aspect, correlation_id) "
                + "values ($1, $2, 'PUBLISHED', 4, '16:9', $3)").execute(Tuple.of(id, owner, "corr-" + id)).await().atMost(Duration.ofSeconds(10));
        return id.toString();
    }

    private static String reported(String reporter, String video) {
        return as(reporter, "user").body("{\"targetType\":\"content\",\"targetId\":\"" + video + "\",\"category\":\"spam_scam\","
                + "\"explanation\":\"the same scam video again\",\"goodFaith\":true}").post("/v1/reports").then().log().ifValidationFails()
                .statusCode(201).extract().path("caseId");
    }

    private static String bulk(List<String> caseIds, JsonObject decision) {
        return new JsonObject().put("caseIds", new JsonArray(caseIds)).put("decision", decision).encode();
    }

    @Test
    void oneActionOnASetOfCasesDecidesEachOnItsOwn() {
        String marker = UUID.randomUUID().toString().substring(0, 6);
        List<String> owners = List.of("bulk-owner-a-" + marker, "bulk-owner-b-" + marker, "bulk-owner-c-" + marker, "bulk-owner-d-" + marker);
        List<String> cases = new ArrayList<>();
        for (String owner : owners.subList(0, 3)) {
            cases.add(reported("bulk-viewer-" + marker, publishedVideo(owner)));
        }
        // one the moderator reported themselves: a stake in it
        String ownReport = reported("bulk-mod-" + marker, publishedVideo(owners.get(3)));
        // one another moderator already decided
        as("bulk-mod2-" + marker, "moderator").body(bulk(List.of(cases.get(2)), REMOVE)).post(BULK).then().statusCode(200)
                .body("decided", equalTo(1));

        String unknown = UUID.randomUUID().toString();
        JsonPath answer = as("bulk-mod-" + marker, "moderator").body(bulk(List.of(cases.get(0), cases.get(1), cases.get(2), ownReport, unknown), REMOVE))
                .post(BULK).then().statusCode(200).extract().jsonPath();
        assertEquals(2, answer.getInt("decided"), answer.prettify());
        assertEquals(3, answer.getInt("refused"));
        assertEquals(List.of("decided", "decided", "refused", "refused", "refused"), answer.getList("results.outcome"));
        assertEquals(List.of(409, 403, 404), answer.getList("results.findAll { it.outcome == 'refused' }.status"));
        assertEquals(true, answer.getString("results[2].detail").contains("already decided"), answer.prettify());

        // each owner got a statement of reasons of their own, for their own video
        for (int i = 0; i < 2; i++) {
            String decisionId = answer.getString("results[" + i + "].decisionId");
            as(owners.get(i), "user").get("/v1/me/notices").then().statusCode(200)
                    .body("find { it.decisionId == '" + decisionId + "' }.body.facts", containsString("wave of identical spam"));
            as("bulk-mod-" + marker, "moderator").get("/v1/moderation/cases/" + cases.get(i)).then().statusCode(200)
                    .body("state", equalTo("DECIDED"));
        }
        // the case with a stake is untouched and still waits for someone else
        as("bulk-mod2-" + marker, "moderator").get("/v1/moderation/cases/" + ownReport).then().statusCode(200).body("state", equalTo("OPEN"));

        // refused before anything is decided
        String mod = "bulk-mod-" + marker;
        as(mod, "moderator").body("{\"caseIds\":[").post(BULK).then().statusCode(400);
        as(mod, "moderator").body(bulk(List.of(), REMOVE)).post(BULK).then().statusCode(400);
        as(mod, "moderator").body(bulk(Collections.nCopies(101, ownReport), REMOVE)).post(BULK).then().statusCode(400);
        as(mod, "moderator").body(bulk(List.of(ownReport, ownReport), REMOVE)).post(BULK).then().statusCode(400)
                .body("detail", containsString("twice"));
        as(mod, "moderator").body(bulk(List.of(ownReport), REMOVE.copy().put("caseVersion", 3))).post(BULK).then().statusCode(400);
        as(mod, "moderator").body(bulk(List.of(ownReport), REMOVE.copy().put("action", "VAPORISE"))).post(BULK).then().statusCode(400);
        as(mod, "moderator").body(bulk(List.of(ownReport), REMOVE.copy().put("facts", ""))).post(BULK).then().statusCode(400);
        as(mod, "moderator").body("{\"caseIds\":\"all of them\",\"decision\":" + REMOVE.encode() + "}").post(BULK).then().statusCode(400);
        as("bulk-viewer-" + marker, "user").body(bulk(List.of(ownReport), REMOVE)).post(BULK).then().statusCode(403);
        given().contentType(ContentType.JSON).body(bulk(List.of(ownReport), REMOVE)).post(BULK).then().statusCode(401);
        as("bulk-mod2-" + marker, "moderator").get("/v1/moderation/cases/" + ownReport).then().statusCode(200).body("state", equalTo("OPEN"));
    }
}
