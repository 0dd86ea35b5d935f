package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.safeframe.api.v1.NoticesRequest;
import io.safeframe.api.v1.ReportServiceGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.GeneratorServiceProcess;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ProvenanceServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * GET /v1/me/export (safeframe-export/2) over the public API with real policy, prompt-guard, report, frame-classifier,
 * provenance and generator processes: a user who generated, filed a report, was reported, got a decision and its
 * notice, and appealed finds each of those by id in their export, and nothing of anyone else's — in particular not
 * who reported them.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FramesServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ProvenanceServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GeneratorServiceProcess.class, restrictToAnnotatedClass = true)
class MeExportTest {

    private static final Duration FLOW = Duration.ofSeconds(90);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String ALICE = "exp-alice-" + RUN;
    private static final String BOB = "exp-bob-" + RUN;
    private static final String CAROL = "exp-carol-" + RUN;
    private static final String MOD1 = "exp-mod1-" + RUN;
    private static final String MOD2 = "exp-mod2-" + RUN;
    /** Bob's words in his report about Alice: Alice must never see them. */
    private static final String BOB_WORDS = "bob-saw-it-" + RUN;

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private static String generate(String user, String prompt) {
        return as(user, "user").body("{\"prompt\":\"" + prompt + "\",\"durationSeconds\":2}").post("/v1/generations").then()
                .statusCode(202).extract().path("id");
    }

    private static String report(String user, String target, String category, String explanation) {
        return as(user, "user").body("{\"targetType\":\"content\",\"targetId\":\"" + target + "\",\"category\":\"" + category
                + "\",\"explanation\":\"" + explanation + "\",\"goodFaith\":true}").post("/v1/reports").then().statusCode(201)
                .extract().path("caseId");
    }

    private static void awaitPublished(String user, String id) {
        long deadline = System.nanoTime() + FLOW.toNanos();
        String state;
        do {
            state = as(user, "user").get("/v1/generations/" + id).then().extract().path("state");
            if ("PUBLISHED".equals(state)) {
                return;
            }
            assertFalse(List.of("BLOCKED", "FAILED").contains(state), "job " + id + " ended " + state);
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " not published within " + FLOW + ", last " + state);
    }

    private static ValidatableResponse export(String user) {
        return as(user, "user").get("/v1/me/export").then().statusCode(200).contentType(ContentType.JSON)
                .body("format", equalTo("safeframe-export/2")).body("account", equalTo(user));
    }

    @Test
    void exportHoldsEveryRecordAboutTheCallerAndNothingAboutOthers() {
        String alicePrompt = "a lighthouse on a cliff at dusk " + RUN;
        String carolPrompt = "a red kite over a wheat field " + RUN;
        String aliceVideo = generate(ALICE, alicePrompt);
        String carolVideo = generate(CAROL, carolPrompt);
        awaitPublished(ALICE, aliceVideo);

        // Alice reports Carol; Bob reports Alice
        String aliceFiledCase = report(ALICE, carolVideo, "spam_scam", "alice thinks this is spam " + RUN);
        String caseAboutAlice = report(BOB, aliceVideo, "violence_gore", BOB_WORDS);

        // a moderator removes Alice's video, Alice appeals, a second moderator upholds
        ValidatableResponse claimed = as(MOD1, "moderator").post("/v1/moderation/queues/violence_gore/claim").then().statusCode(200)
                .body("target.id", equalTo(aliceVideo)).body("caseId", equalTo(caseAboutAlice));
        int version = claimed.extract().path("version");
        String decisionId = as(MOD1, "moderator").body("{\"action\":\"REMOVE_CONTENT\",\"facts\":\"Graphic violence at 0:01.\","
                + "\"ground\":\"Terms §4.2 graphic violence\",\"caseVersion\":" + version + "}")
                .post("/v1/moderation/cases/" + caseAboutAlice + "/decision").then().statusCode(200).extract().path("decisionId");
        String appealId = as(ALICE, "user").body("{\"decisionId\":\"" + decisionId + "\",\"explanation\":\"A lighthouse is not gore.\"}")
                .post("/v1/appeals").then().statusCode(201).extract().path("appealId");
        as(MOD2, "moderator").body("{\"outcome\":\"UPHOLD\",\"reason\":\"Still graphic.\"}")
                .post("/v1/moderation/appeals/" + appealId + "/resolution").then().statusCode(200).body("state", equalTo("UPHELD"));

        ValidatableResponse aliceExport = export(ALICE);
        JsonPath a = aliceExport.extract().jsonPath();
        String aliceText = aliceExport.extract().asString();

        // every section says where it comes from and what it leaves out
        for (String section : List.of("account", "auditDecisions", "generations", "reportsFiled", "casesAboutYou", "moderationDecisions",
                "appeals", "notices", "sampledForLabelling", "provenance")) {
            assertTrue(a.getString("sections." + section + ".source").length() > 0, section);
            assertTrue(a.getList("sections." + section + ".notExported") != null, section);
        }
        assertEquals("policy-service", a.getString("sections.account.source"));
        assertEquals("ACTIVE", a.getString("sections.account.data.standing"));
        assertTrue(a.getList("sections.auditDecisions.data").size() > 0, "audit decisions about Alice");

        // her generation with its prompt, and the provenance record of the published clip
        assertEquals(List.of(aliceVideo), a.getList("sections.generations.data.job.id"));
        // the prompt of a finished job is deleted when it finishes: null, and the section says so
        assertEquals(java.util.Collections.singletonList(null), a.getList("sections.generations.data.prompt"));
        assertTrue(a.getList("sections.generations.notExported.what").toString().contains("finished jobs"));
        assertFalse(aliceText.contains(alicePrompt), "a deleted prompt came back");
        assertEquals(1000, a.getInt("sections.generations.limit"));
        assertFalse(a.getBoolean("sections.generations.truncated"));
        assertEquals(List.of(aliceVideo), a.getList("sections.provenance.data.jobId"));
        Map<String, Object> provenance = a.getMap("sections.provenance.data[0]");
        assertTrue(String.valueOf(provenance.get("watermarkPayload")).matches("[0-9a-f]{16}"), provenance.toString());
        assertTrue(((List<?>) provenance.get("manifestIds")).stream().anyMatch(id -> String.valueOf(id).startsWith("urn:c2pa:")),
                provenance.toString());

        // the report she filed, the case about her, the decision, its notice, her appeal and its outcome
        assertEquals(List.of(aliceFiledCase), a.getList("sections.reportsFiled.data.caseId"));
        assertEquals(List.of(carolVideo), a.getList("sections.reportsFiled.data.targetId"));
        assertEquals(List.of(caseAboutAlice), a.getList("sections.casesAboutYou.data.caseId"));
        assertEquals(1, a.getInt("sections.casesAboutYou.data[0].reportCount"));
        assertEquals(List.of(decisionId), a.getList("sections.moderationDecisions.data.decisionId"));
        assertEquals("REMOVE_CONTENT", a.getString("sections.moderationDecisions.data[0].action"));
        assertEquals(List.of(appealId), a.getList("sections.appeals.data.appealId"));
        assertEquals("UPHELD", a.getString("sections.appeals.data[0].state"));
        List<Map<String, Object>> notices = a.getList("sections.notices.data");
        assertTrue(notices.stream().anyMatch(n -> "DECISION".equals(n.get("kind")) && decisionId.equals(n.get("decisionId"))), notices.toString());
        assertTrue(notices.stream().anyMatch(n -> "APPEAL_OUTCOME".equals(n.get("kind")) && appealId.equals(n.get("appealId"))),
                notices.toString());
        assertTrue(a.getList("sections.casesAboutYou.notExported.what").toString().contains("who reported you"));

        // the reporter, his words and the moderators are nowhere in it; nor is Carol's data
        assertFalse(aliceText.contains(BOB), "reporter's identity disclosed to the reported user");
        assertFalse(aliceText.contains(BOB_WORDS), "reporter's explanation disclosed to the reported user");
        assertFalse(aliceText.contains(MOD1) || aliceText.contains(MOD2), "moderator names in the export");
        assertFalse(aliceText.contains(carolPrompt), "another user's prompt in the export");
        assertFalse(aliceText.contains(CAROL), "another user's account in the export");

        // Bob sees his own report of Alice's video (as filed) and none of Alice's records
        ValidatableResponse bobExport = export(BOB).body("sections.reportsFiled.data.caseId", equalTo(List.of(caseAboutAlice)))
                .body("sections.reportsFiled.data.explanation", hasItem(BOB_WORDS))
                .body("sections.generations.data", empty()).body("sections.casesAboutYou.data", empty())
                .body("sections.moderationDecisions.data", empty()).body("sections.appeals.data", empty())
                .body("sections.notices.data.kind", hasItem("REPORT_OUTCOME"));
        String bobText = bobExport.extract().asString();
        assertFalse(bobText.contains(alicePrompt), "Alice's prompt in Bob's export");
        assertFalse(bobText.contains(appealId), "Alice's appeal in Bob's export");

        // Carol: her generation, the case about her video, not Alice's report's author
        export(CAROL).body("sections.generations.data.job.id", equalTo(List.of(carolVideo)))
                .body("sections.casesAboutYou.data.caseId", equalTo(List.of(aliceFiledCase)))
                .body("sections.reportsFiled.data", empty()).body(not(containsString(ALICE)));
    }

    @Test
    void exportNeedsAValidToken() {
        given().get("/v1/me/export").then().statusCode(401);
        String token = Tokens.valid("exp-mallory-" + RUN, "user");
        given().auth().oauth2(token.substring(0, token.length() - 4) + "AAAA").get("/v1/me/export").then().statusCode(401);
        as("exp-mallory-" + RUN, "user").post("/v1/me/export").then().statusCode(405);
    }

    @Test
    void onlyTheGatewayMayAskReportServiceForAnAccountsRecords() {
        ManagedChannel asVerify = IdentityChannels.as("verify-service", ReportServiceProcess.PORT + 400);
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ReportServiceGrpc.newBlockingStub(asVerify)
                    .exportAccount(NoticesRequest.newBuilder().setAccountId(ALICE)
                            .setContext(RequestContext.newBuilder().setAccountId(ALICE).setActor(ALICE)).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        } finally {
            asVerify.shutdownNow();
        }
    }
}
