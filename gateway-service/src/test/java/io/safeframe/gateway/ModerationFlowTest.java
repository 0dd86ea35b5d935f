package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.safeframe.api.v1.PolicyServiceGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SanctionKind;
import io.safeframe.api.v1.SanctionRequest;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * The full lifecycle over the public API with real tokens, and real policy-service, prompt-guard and
 * report-service processes: a video is reported, a moderator suspends its owner, the owner is refused at
 * generation, appeals, a second moderator reverses, the owner generates again — every step audited.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class ModerationFlowTest {

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private static String generate(String user, String prompt, int expectedStatus) {
        return as(user, "user").body("{\"prompt\":\"" + prompt + "\",\"durationSeconds\":4}").when().post("/v1/generations")
                .then().statusCode(expectedStatus).extract().path("id");
    }

    private static String reportBody(String targetId, String category) {
        return "{\"targetType\":\"content\",\"targetId\":\"" + targetId + "\",\"category\":\"" + category
                + "\",\"explanation\":\"a realistic beheading at 0:03\",\"goodFaith\":true}";
    }

    @Test
    void reportSuspendRefuseAppealReverseGenerateAgain() {
        String video = generate("flow-alice", "a knight fighting a dragon in a castle", 202);

        // bad reports first: each a clear error, nothing filed
        as("flow-alice", "user").body(reportBody(video, "violence_gore")).post("/v1/reports").then().statusCode(422)
                .body("detail", containsString("your own"));
        as("flow-bob", "user").body(reportBody(video, "kittens")).post("/v1/reports").then().statusCode(422)
                .body("type", containsString("invalid-request")).body("detail", containsString("unknown category"));
        as("flow-bob", "user").body(reportBody(video, "violence_gore").replace("true", "false")).post("/v1/reports").then().statusCode(422);
        as("flow-bob", "user").body(reportBody(video, "violence_gore").replace("}", ",\"priority\":\"urgent\"}")).post("/v1/reports")
                .then().statusCode(400).body("type", containsString("unknown-field"));
        as("flow-bob", "user").body("{\"targetType\":\"content\",").post("/v1/reports").then().statusCode(400);
        as("flow-bob", "user").body(reportBody("00000000-0000-0000-0000-000000000000", "violence_gore")).post("/v1/reports")
                .then().statusCode(404);
        as("flow-bob", "user").body(reportBody(video, "violence_gore").replace("a realistic", "\\ud800 realistic")).post("/v1/reports")
                .then().statusCode(400).body("detail", containsString("invalid Unicode"));

        as("flow-bob", "user").body(reportBody(video, "violence_gore")).post("/v1/reports").then().statusCode(201)
                .body("reportCount", equalTo(1)).body("caseId", notNullValue());
        as("flow-bob", "user").body(reportBody(video, "violence_gore")).post("/v1/reports").then().statusCode(409);

        // a user is not a moderator
        as("flow-bob", "user").get("/v1/moderation/queues").then().statusCode(403);
        as("flow-bob", "user").post("/v1/moderation/queues/violence_gore/claim").then().statusCode(403);

        as("flow-mod1", "moderator").get("/v1/moderation/queues").then().statusCode(200).body("queue", hasItem("violence_gore"));
        ValidatableResponse claimed = as("flow-mod1", "moderator").post("/v1/moderation/queues/violence_gore/claim").then()
                .statusCode(200).body("target.id", equalTo(video)).body("target.owner", equalTo("flow-alice"))
                .body("reports[0].reporter", equalTo("flow-bob")).body("claimedBy", equalTo("flow-mod1"));
        String caseId = claimed.extract().path("caseId");
        int version = claimed.extract().path("version");
        // moderator care: each reveal at full impact of a clip in a severe queue (violence_gore) counts against the
        // moderator's budget for the shift (3 in tests); the fourth is refused, a colleague still has theirs
        String carer = "care-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        for (int i = 1; i <= 3; i++) {
            as(carer, "moderator").post("/v1/moderation/cases/" + caseId + "/reveal").then().statusCode(200)
                    .body("counted", equalTo(true)).body("used", equalTo(i)).body("budget", equalTo(3));
        }
        as(carer, "moderator").post("/v1/moderation/cases/" + caseId + "/reveal").then().statusCode(429)
                .body("type", containsString("exposure-budget")).body("detail", containsString("hand the case"));
        as(carer + "-colleague", "moderator").post("/v1/moderation/cases/" + caseId + "/reveal").then().statusCode(200)
                .body("used", equalTo(1));
        as("flow-bob", "user").post("/v1/moderation/cases/" + caseId + "/reveal").then().statusCode(403);
        // the queue lists its cases in claim order, with who holds them; read-only, moderators only
        as("flow-mod2", "moderator").get("/v1/moderation/queues/violence_gore/cases").then().statusCode(200)
                .body("find { it.caseId == '" + caseId + "' }.claimedBy", equalTo("flow-mod1"))
                .body("find { it.caseId == '" + caseId + "' }.reportCount", equalTo(1));
        as("flow-mod2", "moderator").get("/v1/moderation/queues/all/cases?limit=500").then().statusCode(422);
        as("flow-mod2", "moderator").get("/v1/moderation/queues/no_such_queue/cases").then().statusCode(422);
        as("flow-bob", "user").get("/v1/moderation/queues/all/cases").then().statusCode(403);
        String decision = "{\"action\":\"SUSPEND_ACCOUNT\",\"suspensionSeconds\":86400,\"facts\":\"Realistic beheading at 0:03.\","
                + "\"ground\":\"Terms §4.2 graphic violence\",\"caseVersion\":" + version + "}";

        // a second moderator cannot decide what the first holds
        as("flow-mod2", "moderator").body(decision).post("/v1/moderation/cases/" + caseId + "/decision").then().statusCode(409)
                .body("detail", containsString("claim"));
        as("flow-mod1", "moderator").body(decision.replace("SUSPEND_ACCOUNT", "SHADOWBAN")).post("/v1/moderation/cases/" + caseId + "/decision")
                .then().statusCode(400);
        String decisionId = as("flow-mod1", "moderator").body(decision).post("/v1/moderation/cases/" + caseId + "/decision").then()
                .statusCode(200).body("action", equalTo("SUSPEND_ACCOUNT")).body("statementOfReasons.redress", containsString("Art. 20"))
                .extract().path("decisionId");
        // double submit
        as("flow-mod1", "moderator").body(decision).post("/v1/moderation/cases/" + caseId + "/decision").then().statusCode(409)
                .body("detail", containsString("already decided"));

        // the owner is refused at generation and told why
        as("flow-alice", "user").body("{\"prompt\":\"a sunny meadow\"}").post("/v1/generations").then().statusCode(403)
                .body("type", containsString("account-restricted"));
        as("flow-alice", "user").get("/v1/me/notices").then().statusCode(200)
                .body("[0].kind", equalTo("DECISION")).body("[0].decisionId", equalTo(decisionId))
                .body("[0].body.facts", containsString("beheading")).body("[0].body.suspension", equalTo("PT24H"));
        as("flow-bob", "user").get("/v1/me/notices").then().statusCode(200).body("kind", hasItem("REPORT_OUTCOME"));

        // moderators look the account up (the console's account view); users may not, and only admins lift by hand
        as("flow-mod2", "moderator").get("/v1/moderation/accounts/flow-alice").then().statusCode(200)
                .body("standing", equalTo("SUSPENDED")).body("suspendedUntil", notNullValue()).body("decisions.action", hasItem("sanction.apply"));
        as("flow-bob", "user").get("/v1/moderation/accounts/flow-alice").then().statusCode(403);
        as("flow-mod2", "moderator").body("{\"reason\":\"wrong account\"}").post("/v1/admin/accounts/flow-alice/sanctions/lift").then().statusCode(403);
        as("flow-admin", "admin").body("{\"reason\":\" \"}").post("/v1/admin/accounts/flow-alice/sanctions/lift").then().statusCode(400);
        as("flow-admin", "admin").body("{\"reason\":\"x\",\"force\":true}").post("/v1/admin/accounts/flow-alice/sanctions/lift").then().statusCode(400);
        as("flow-alice", "user").get("/v1/me").then().body("standing", equalTo("SUSPENDED"));

        // appeal: once
        String appeal = "{\"decisionId\":\"" + decisionId + "\",\"explanation\":\"It is a medieval film scene with props.\"}";
        as("flow-bob", "user").body(appeal.replace(decisionId, "00000000-0000-0000-0000-000000000000")).post("/v1/appeals").then().statusCode(404);
        String appealId = as("flow-alice", "user").body(appeal).post("/v1/appeals").then().statusCode(201)
                .body("state", equalTo("PENDING")).extract().path("appealId");
        as("flow-alice", "user").body(appeal).post("/v1/appeals").then().statusCode(409);
        as("flow-alice", "user").body("{\"outcome\":\"REVERSE\",\"reason\":\"I say so\"}").post("/v1/moderation/appeals/" + appealId + "/resolution")
                .then().statusCode(403);

        as("flow-mod2", "moderator").get("/v1/moderation/appeals").then().statusCode(200).body("appealId", hasItem(appealId));
        String resolution = "{\"outcome\":\"REVERSE\",\"reason\":\"Props, visibly staged.\"}";
        as("flow-mod1", "moderator").body(resolution).post("/v1/moderation/appeals/" + appealId + "/resolution").then().statusCode(403)
                .body("detail", containsString("different moderator"));
        as("flow-mod2", "moderator").body(resolution).post("/v1/moderation/appeals/" + appealId + "/resolution").then().statusCode(200)
                .body("state", equalTo("REVERSED"));

        generate("flow-alice", "a sunny meadow with horses", 202);
        as("flow-alice", "user").get("/v1/me").then().statusCode(200).body("standing", equalTo("ACTIVE"));
        // an admin's manual lift is audited with its reason and the admin as actor
        as("flow-admin", "admin").body("{\"reason\":\"double-checked after the appeal\"}").post("/v1/admin/accounts/flow-alice/sanctions/lift")
                .then().statusCode(200).body("standing", equalTo("ACTIVE"));

        // the user's own view of the audit log has every step that concerned them
        awaitAudit("flow-alice", List.of("case.decided", "sanction.apply", "appeal.filed", "sanction.lift", "appeal.resolved"));

        // transparency exports: admin only
        as("flow-mod1", "moderator").get("/v1/admin/transparency/statements").then().statusCode(403);
        String statements = as("flow-admin", "admin").get("/v1/admin/transparency/statements").then().statusCode(200)
                .contentType(containsString("ndjson")).extract().asString();
        assertTrue(statements.contains("\"puid\":\"" + decisionId + "\""), statements);
        as("flow-admin", "admin").get("/v1/admin/transparency/report?from=2020-01-01T00:00:00Z").then().statusCode(200)
                .body("appeals.REVERSED", equalTo(1)).body("decisions_by_action.SUSPEND_ACCOUNT", equalTo(1));
        as("flow-admin", "admin").get("/v1/admin/transparency/report?from=yesterday").then().statusCode(422);
    }

    @Test
    void aReviewVerdictOpensACaseWithTheMachineVerdict() {
        String job = as("flow-carol", "user").body("{\"prompt\":\"mickey mouse dancing in the rain\"}").post("/v1/generations").then()
                .statusCode(202).body("state", equalTo("HELD_FOR_REVIEW")).extract().path("id");
        as("flow-mod3", "moderator").post("/v1/moderation/queues/copyrighted_characters/claim").then().statusCode(200)
                .body("target.id", equalTo(job)).body("target.type", equalTo("prompt")).body("source", equalTo("AUTOMATED"))
                .body("machineVerdict.source", equalTo("prompt-guard")).body("target.owner", equalTo("flow-carol"));
    }

    /**
     * The exploit this closes: maria (a moderator) generated a borderline prompt, claimed her own held case from the
     * queue and approved it. Now her case is never offered to her, and deciding it directly is 403.
     */
    @Test
    void aModeratorNeverClearsTheirOwnHeldPrompt() {
        String maria = "flow-maria";
        String job = as(maria, "user", "moderator").body("{\"prompt\":\"mickey mouse surfing a wave\"}").post("/v1/generations").then()
                .statusCode(202).body("state", equalTo("HELD_FOR_REVIEW")).extract().path("id");
        List<String> offeredToMaria = as(maria, "moderator").get("/v1/moderation/queues/copyrighted_characters/cases").then()
                .statusCode(200).extract().path("target.id");
        assertFalse(offeredToMaria.contains(job), offeredToMaria.toString());
        int claimStatus = as(maria, "moderator").post("/v1/moderation/queues/copyrighted_characters/claim").then().extract().statusCode();
        assertTrue(claimStatus == 404, "nothing else waits in the queue, and her own case is not hers to take: " + claimStatus);

        ValidatableResponse listed = as("flow-mod5", "moderator").get("/v1/moderation/queues/copyrighted_characters/cases").then().statusCode(200);
        List<String> targets = listed.extract().path("target.id");
        int index = targets.indexOf(job);
        assertTrue(index >= 0, "another moderator is offered it: " + targets);
        String caseId = listed.extract().path("caseId[" + index + "]");
        int version = listed.extract().path("version[" + index + "]");
        as(maria, "moderator").body("{\"action\":\"NO_ACTION\",\"facts\":\"fine\",\"ground\":\"Terms §7\",\"caseVersion\":" + version + "}")
                .post("/v1/moderation/cases/" + caseId + "/decision").then().statusCode(403).body("detail", containsString("own"));
        as(maria, "user").get("/v1/generations/" + job).then().body("state", equalTo("HELD_FOR_REVIEW"));

        // a neutral moderator takes it (and so leaves the queue as it was for the other tests)
        int claimedVersion = as("flow-mod5", "moderator").post("/v1/moderation/queues/copyrighted_characters/claim").then().statusCode(200)
                .body("target.id", equalTo(job)).extract().path("version");
        as("flow-mod5", "moderator").body("{\"action\":\"REMOVE_CONTENT\",\"facts\":\"A trademarked character.\",\"ground\":\"Terms §7\","
                + "\"caseVersion\":" + claimedVersion + "}").post("/v1/moderation/cases/" + caseId + "/decision").then().statusCode(200);
    }

    @Test
    void aSanctionedStaffAccountHasNoStaffPowers() {
        String moderator = "flow-mod-suspended";
        as(moderator, "moderator").get("/v1/moderation/queues").then().statusCode(200);
        // sanctions reach policy-service from report-service only (service identity): the test calls as report-service would
        io.grpc.ManagedChannel asReportService = IdentityChannels.as("report-service", PolicyServiceProcess.TLS_PORT);
        try {
            PolicyServiceGrpc.newBlockingStub(asReportService).applySanction(SanctionRequest.newBuilder().setAccountId(moderator)
                    .setKind(SanctionKind.SUSPEND).setDurationSeconds(3600).setReason("leaked case material").setCaseId("case-staff")
                    .setContext(RequestContext.newBuilder().setActor("flow-lead")).build());
        } finally {
            asReportService.shutdownNow();
        }
        as(moderator, "moderator").get("/v1/moderation/queues").then().statusCode(403).body("type", containsString("staff-sanctioned"));
        as(moderator, "admin").body("{\"reason\":\"lifting my own\"}").post("/v1/admin/accounts/" + moderator + "/sanctions/lift").then()
                .statusCode(403);
        // another admin can lift it, and the powers come back
        as("flow-admin2", "admin").body("{\"reason\":\"reviewed: no leak\"}").post("/v1/admin/accounts/" + moderator + "/sanctions/lift")
                .then().statusCode(200);
        as(moderator, "moderator").get("/v1/moderation/queues").then().statusCode(200);
    }

    private static void awaitAudit(String user, List<String> actions) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try {
                as(user, "user").get("/v1/me/decisions").then().statusCode(200).body("action", hasItems(actions.toArray()));
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
