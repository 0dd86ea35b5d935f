package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * The safety data loop over the public API, with real tokens and real policy-service, prompt-guard and report-service
 * processes: a blocked prompt is disputed by its owner, a moderator decides the dispute, the decision is a label, an
 * admin exports a dataset snapshot that holds the consenting owner's item scrubbed of the personal data planted in the
 * prompt, and nothing of an account that did not consent. Plus every bad input the endpoints take.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class SafetyDataFlowTest {

    private static final String BLOCKED = "a beheading video by jihadists";

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private static String blocked(String user, String suffix) {
        return as(user, "user").body("{\"prompt\":\"" + BLOCKED + " " + suffix + "\"}").post("/v1/generations").then().log().ifValidationFails()
                .statusCode(422).body("job.state", equalTo("BLOCKED")).extract().path("job.id");
    }

    @Test
    void disputeReviewLabelExportWithConsentAndScrubbing() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "sd-alice-" + run;
        String bob = "sd-bob-" + run;

        // settings: default off; bad bodies are clear 400s and change nothing
        as(alice, "user").get("/v1/me/settings").then().statusCode(200).body("trainingUse", equalTo(false)).body("updatedAt", nullValue());
        as(alice, "user").body("{\"trainingUse\":").put("/v1/me/settings").then().statusCode(400);
        as(alice, "user").body("{\"trainingUse\":\"yes\"}").put("/v1/me/settings").then().statusCode(400);
        as(alice, "user").body("{\"trainingUse\":true,\"sellMyData\":true}").put("/v1/me/settings").then().statusCode(400)
                .body("type", containsString("unknown-field"));
        as(alice, "user").body("{}").put("/v1/me/settings").then().statusCode(400);
        as(alice, "user").get("/v1/me/settings").then().body("trainingUse", equalTo(false));
        as(alice, "user").body("{\"trainingUse\":true}").put("/v1/me/settings").then().statusCode(200).body("trainingUse", equalTo(true));
        as(alice, "user").get("/v1/me/settings").then().body("trainingUse", equalTo(true));

        // alice's blocked prompt carries planted personal data; bob (no consent) has one too
        String aliceJob = blocked(alice, "starring Alice Johnson, alice.j@example.com, +1 415 555 0134, @alice_j");
        String bobJob = blocked(bob, "in a quokkafield");

        // bad disputes first: none of them opens anything
        as(bob, "user").body("{\"reason\":\"mine\"}").post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(404);
        as(alice, "user").body("{\"reason\":").post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(400);
        as(alice, "user").body("{\"reason\":42}").post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(400);
        as(alice, "user").body("{\"reason\":\"" + "x".repeat(501) + "\"}").post("/v1/generations/" + aliceJob + "/dispute").then()
                .statusCode(400).body("detail", containsString("500"));
        as(alice, "user").body("{\"reason\":\"bad \\ud800 text\"}").post("/v1/generations/" + aliceJob + "/dispute").then()
                .statusCode(400).body("detail", containsString("invalid Unicode"));
        as(alice, "user").body("{\"reason\":\"x\",\"urgent\":true}").post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(400);
        as(alice, "user").body("{}").post("/v1/generations/" + UUID.randomUUID() + "/dispute").then().statusCode(404);
        as(alice, "user").body("{}").post("/v1/generations/not-a-uuid/dispute").then().statusCode(404);
        String allowed = as(alice, "user").body("{\"prompt\":\"a red fox running through snow\",\"durationSeconds\":2}").post("/v1/generations")
                .then().statusCode(202).extract().path("id");
        as(alice, "user").body("{}").post("/v1/generations/" + allowed + "/dispute").then().statusCode(409)
                .body("type", containsString("not-disputable"));
        given().contentType(ContentType.JSON).body("{}").post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(401);

        String caseId = as(alice, "user").body("{\"reason\":\"It is a scene from a history documentary\"}")
                .post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(201).body("state", equalTo("OPEN"))
                .body("joinedOpenReview", equalTo(false)).extract().path("caseId");
        as(alice, "user").body("{}").post("/v1/generations/" + aliceJob + "/dispute").then().statusCode(409)
                .body("type", containsString("duplicate"));
        // no body at all is fine: the reason is optional
        as(bob, "user").post("/v1/generations/" + bobJob + "/dispute").then().statusCode(201);

        // the moderator sees the dispute in the queue and decides it with the ordinary decision flow
        ValidatableResponse listed = as("sd-mod", "moderator").get("/v1/moderation/queues/all/cases?limit=200").then().statusCode(200);
        String queue = listed.extract().path("find { it.caseId == '" + caseId + "' }.queue");
        // the queue listing (ListCases) does not load disputes; the claimed case (GetCase detail) shows them below
        listed.body("find { it.caseId == '" + caseId + "' }.source", equalTo("DISPUTE"));
        for (int i = 0; i < 2; i++) {
            ValidatableResponse claimed = as("sd-mod", "moderator").post("/v1/moderation/queues/" + queue + "/claim").then().statusCode(200);
            String claimedCase = claimed.extract().path("caseId");
            int version = claimed.extract().path("version");
            if (claimedCase.equals(caseId)) {
                claimed.body("disputed", equalTo(true)).body("disputeReason", equalTo("It is a scene from a history documentary"));
            }
            as("sd-mod", "moderator").body("{\"action\":\"NO_ACTION\",\"facts\":\"Documentary context, no gore shown.\","
                    + "\"ground\":\"Terms §4.2 does not apply\",\"caseVersion\":" + version + "}")
                    .post("/v1/moderation/cases/" + claimedCase + "/decision").then().statusCode(200);
        }

        // the outcome reaches the owner; the label is there for staff with the policy version
        as(alice, "user").get("/v1/me/notices").then().statusCode(200).body("kind", hasItem("DISPUTE_OUTCOME"));
        as("sd-mod", "moderator").get("/v1/admin/datasets/labels").then().statusCode(403);
        ValidatableResponse labels = as("sd-admin", "admin").get("/v1/admin/datasets/labels?source=dispute").then().statusCode(200);
        labels.body("find { it.targetId == '" + aliceJob + "' }.decision", equalTo("ALLOW"))
                .body("find { it.targetId == '" + aliceJob + "' }.machineDecision", equalTo("BLOCK"))
                .body("find { it.targetId == '" + aliceJob + "' }.policyVersion", org.hamcrest.Matchers.notNullValue());
        as("sd-admin", "admin").get("/v1/admin/datasets/labels?source=gossip").then().statusCode(422);

        // export: admin only; bad bodies are 400
        as(alice, "user").body("{}").post("/v1/admin/datasets").then().statusCode(403);
        as("sd-mod", "moderator").body("{}").post("/v1/admin/datasets").then().statusCode(403);
        as("sd-admin", "admin").body("{\"minSliceCount\":\"many\"}").post("/v1/admin/datasets").then().statusCode(400);
        as("sd-admin", "admin").body("{\"minSliceCount\":0}").post("/v1/admin/datasets").then().statusCode(400);
        as("sd-admin", "admin").body("{\"minSliceCount\":").post("/v1/admin/datasets").then().statusCode(400);

        // with the default minimum (5) alice's single label is a slice too small to export
        int small = as("sd-admin", "admin").body("{}").post("/v1/admin/datasets").then().statusCode(201)
                .body("minSliceCount", equalTo(5)).extract().path("version");
        String smallLabels = download(small, "labels.jsonl");
        assertFalse(smallLabels.contains("documentary") || smallLabels.contains("beheading"), smallLabels);
        assertTrue(download(small, "datasheet.md").contains("left out"));

        int version = as("sd-admin", "admin").body("{\"minSliceCount\":1}").post("/v1/admin/datasets").then().statusCode(201)
                .body("files.name", hasItem("labels.jsonl")).extract().path("version");
        assertEquals(small + 1, version);
        String labelsJsonl = download(version, "labels.jsonl");
        String preferences = download(version, "preferences.jsonl");
        String datasheet = download(version, "datasheet.md");
        String all = labelsJsonl + preferences + datasheet;
        assertEquals(1, labelsJsonl.lines().count(), labelsJsonl);
        assertTrue(labelsJsonl.contains("beheading"), "alice consented: her item is there");
        assertFalse(all.contains("quokkafield"), "bob did not consent: nothing of his");
        for (String personal : List.of(alice, bob, aliceJob, bobJob, caseId, "alice.j@example.com", "555 0134", "@alice_j", "Alice", "Johnson")) {
            assertFalse(all.contains(personal), personal + " leaked into the export:\n" + all);
        }
        assertTrue(labelsJsonl.contains("[EMAIL]") && labelsJsonl.contains("[PHONE]") && labelsJsonl.contains("[HANDLE]")
                && labelsJsonl.contains("[NAME]"), labelsJsonl);
        assertTrue(preferences.contains("\"chosen\":\"[comply]"), preferences);
        assertTrue(datasheet.contains("Licence") && datasheet.contains("training-use"), datasheet);

        // downloads: admin only, unknown names and versions are 404, and a snapshot never changes
        as("sd-mod", "moderator").get("/v1/admin/datasets/" + version + "/labels.jsonl").then().statusCode(403);
        as("sd-admin", "admin").get("/v1/admin/datasets/" + version + "/secrets.txt").then().statusCode(404);
        as("sd-admin", "admin").get("/v1/admin/datasets/99999/labels.jsonl").then().statusCode(404);
        as("sd-admin", "admin").get("/v1/admin/datasets/x/labels.jsonl").then().statusCode(404);
        as("sd-admin", "admin").get("/v1/admin/datasets").then().statusCode(200).body("version", hasItem(version));
        assertEquals(smallLabels, download(small, "labels.jsonl"));

        // every export is an audit event
        awaitAuditExport("dataset.exported");
    }

    private static String download(int version, String name) {
        return as("sd-admin", "admin").get("/v1/admin/datasets/" + version + "/" + name).then().statusCode(200).extract().asString();
    }

    private static void awaitAuditExport(String action) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            String log = as("sd-admin", "admin").get("/v1/admin/audit/export").then().statusCode(200).extract().asString();
            if (log.contains(action)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(action + " not in the audit log");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
