package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * Versioned prompt policies through the gateway: real tokens with realm roles, real policy-service (the store) and
 * prompt-guard (the validator) processes.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
class PolicyAdminTest {

    private static final String BASE = "/v1/admin/policies/prompt";
    private static final String DOC_V1 = "{\"version\":\"gw-1\",\"benign\":[],\"categories\":[{\"code\":\"violence\","
            + "\"name\":\"Violence\",\"severity\":4,\"decision\":\"BLOCK\",\"terms\":[\"behead\",\"massacre\"]}]}";
    private static final String DOC_WEAKER = DOC_V1.replace("gw-1", "gw-2").replace("BLOCK", "REVIEW").replace("\"behead\",", "");

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    /** RestAssured has no encoder for application/x-ndjson: the body goes as the bytes it is. */
    private static byte[] bytes(String body) {
        return body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int versionCount() {
        return as("pv-admin", "admin").get(BASE + "/versions").then().statusCode(200).extract().path("versions.size()");
    }

    private static int draft(String document) {
        return as("pv-admin", "admin").body("{\"reason\":\"tighten violence\",\"document\":" + document + "}")
                .post(BASE + "/versions").then().statusCode(201).body("state", equalTo("draft"))
                .body("author", equalTo("pv-admin")).extract().path("version");
    }

    @Test
    void draftReviewPromoteRollbackWithRolesAndValidation() {
        // roles: users and plain moderators see nothing; an admin without policy_reviewer cannot approve
        as("pv-user", "user").get(BASE + "/versions").then().statusCode(403);
        as("pv-mod", "moderator").get(BASE + "/versions").then().statusCode(403);
        as("pv-user", "user").body("{\"reason\":\"r\",\"document\":" + DOC_V1 + "}").post(BASE + "/versions").then().statusCode(403);
        as("pv-admin", "admin").get("/v1/admin/policies/tiers-of-doom/versions").then().statusCode(404);
        int before = versionCount();

        // bad documents: a clear 400 and nothing stored
        as("pv-admin", "admin").body("{\"reason\":\"r\",\"document\":{\"version\":").post(BASE + "/versions").then().statusCode(400);
        as("pv-admin", "admin").body("{\"reason\":\"r\",\"document\":[1,2]}").post(BASE + "/versions").then().statusCode(400);
        as("pv-admin", "admin").body("{\"reason\":\"r\",\"document\":" + DOC_V1.replace("\"severity\":4", "\"severity\":\"high\"") + "}")
                .post(BASE + "/versions").then().statusCode(400).body("detail", containsString("policy document is invalid"));
        as("pv-admin", "admin").body("{\"reason\":\"r\",\"document\":" + DOC_V1.replace("BLOCK", "MAYBE") + "}")
                .post(BASE + "/versions").then().statusCode(400).body("detail", containsString("decision must be one of"));
        as("pv-admin", "admin").body("{\"reason\":\"r\",\"document\":" + DOC_V1.replace("\"benign\":[]", "\"benign\":[],\"colour\":1") + "}")
                .post(BASE + "/versions").then().statusCode(400);
        as("pv-admin", "admin").body("{\"document\":" + DOC_V1 + "}").post(BASE + "/versions").then().statusCode(400);
        assertEquals(before, versionCount(), "nothing stored for a refused document");

        int v1 = draft(DOC_V1);
        // the author cannot approve their own version even holding the reviewer role; an admin is not a reviewer
        as("pv-admin", "admin", "policy_reviewer").body("{\"reason\":\"mine\"}").post(BASE + "/versions/" + v1 + "/approve")
                .then().statusCode(403).body("detail", containsString("may not approve"));
        as("pv-admin2", "admin").body("{\"reason\":\"ok\"}").post(BASE + "/versions/" + v1 + "/approve").then().statusCode(403);
        as("pv-admin", "admin").body("{\"to\":\"live\",\"reason\":\"skip review\"}").post(BASE + "/versions/" + v1 + "/transition")
                .then().statusCode(409);
        as("pv-rita", "moderator", "policy_reviewer").body("{\"reason\":\"read the diff\"}").post(BASE + "/versions/" + v1 + "/approve")
                .then().statusCode(200).body("state", equalTo("approved")).body("approvedBy", equalTo("pv-rita"));
        as("pv-admin", "admin").body("{\"to\":\"live\",\"reason\":\"go\"}").post(BASE + "/versions/" + v1 + "/transition")
                .then().statusCode(200).body("state", equalTo("live"));

        int v2 = draft(DOC_WEAKER);
        as("pv-rita", "moderator", "policy_reviewer").get(BASE + "/versions/" + v2).then().statusCode(200)
                .body("diffAgainstVersion", equalTo(v1)).body("document.version", equalTo("gw-2"))
                .body("diff.path", hasItem("/categories[code=violence]/decision"))
                .body("diff.find { it.op == 'removed' }.from", equalTo("behead"));
        as("pv-rita", "moderator", "policy_reviewer").body("{\"reason\":\"ok\"}").post(BASE + "/versions/" + v2 + "/approve")
                .then().statusCode(200);
        as("pv-admin", "admin").body("{\"to\":\"sideways\",\"reason\":\"x\"}").post(BASE + "/versions/" + v2 + "/transition")
                .then().statusCode(400);
        as("pv-admin", "admin").body("{\"to\":\"shadow\",\"reason\":\"watch it\"}").post(BASE + "/versions/" + v2 + "/transition")
                .then().statusCode(200).body("state", equalTo("shadow"));
        // the shadow report: reviewers read it, users do not; nothing diverged (this prompt-guard screens with its file)
        as("pv-user", "user").get(BASE + "/shadow/report").then().statusCode(403);
        as("pv-rita", "moderator", "policy_reviewer").get(BASE + "/shadow/report").then().statusCode(200)
                .body("candidateVersion", equalTo(v2)).body("total", equalTo(0));
        as("pv-admin", "admin").body("{\"to\":\"live\",\"reason\":\"promote\"}").post(BASE + "/versions/" + v2 + "/transition")
                .then().statusCode(200).body("state", equalTo("live"));

        // emergency rollback: one call, v1 live again and flagged; only admins may
        as("pv-rita", "moderator", "policy_reviewer").body("{\"reason\":\"x\"}").post(BASE + "/rollback").then().statusCode(403);
        as("pv-admin", "admin").get(BASE + "/shadow/report").then().statusCode(409);
        as("pv-admin", "admin").body("{\"reason\":\"violence slipping through\"}").post(BASE + "/rollback").then().statusCode(200)
                .body("version", equalTo(v1)).body("state", equalTo("live")).body("rollbackNeedsReview", equalTo(true));
        as("pv-admin", "admin").get(BASE + "/versions/" + v2).then().statusCode(200).body("state", equalTo("retired"))
                .body("history.to", equalTo(java.util.List.of("draft", "approved", "shadow", "live", "retired")))
                .body("history[4].emergency", equalTo(true));
        // reviewed afterwards by a reviewer
        as("pv-rita", "moderator", "policy_reviewer").body("{\"reason\":\"rollback was right\"}").post(BASE + "/versions/" + v1 + "/approve")
                .then().statusCode(200).body("rollbackNeedsReview", equalTo(false));
    }

    /**
     * Active learning's candidates carry retrained encoder heads inside the document (64 KB compact, ~130 KB one number per line:
     * above the plain JSON limit): such a version is drafted like any other, and heads that could not work are refused by the guard's loader.
     */
    @Test
    void aVersionCarryingEncoderHeadsIsDraftedAndHeadsThatCannotWorkAreRefused() throws java.io.IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var resources = java.nio.file.Path.of("../prompt-guard-service/src/main/resources/policy");
        var policy = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(resources.resolve("prompt-policy.json").toFile());
        var heads = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(resources.resolve("prompt-heads.json").toFile());
        policy.put("version", "gw-heads");
        policy.set("heads", heads);
        // indented, as the candidate file is written and as a person edits it: well above the plain JSON limit
        String document = json.writer(new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                .withArrayIndenter(com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)).writeValueAsString(policy);
        org.junit.jupiter.api.Assertions.assertTrue(document.length() > 65536, "the document is larger than the plain JSON limit");
        int version = draft(document);
        as("pv-rita", "moderator", "policy_reviewer").get(BASE + "/versions/" + version).then().statusCode(200)
                .body("label", equalTo("gw-heads")).body("document.heads.format", equalTo("safeframe-guard-heads/1"));

        int before = versionCount();
        ((com.fasterxml.jackson.databind.node.ObjectNode) heads.path("heads").get(0)).put("review", 0.99).put("block", 0.5);
        as("pv-admin", "admin").body("{\"reason\":\"broken heads\",\"document\":" + policy + "}").post(BASE + "/versions").then()
                .statusCode(400).body("detail", containsString("0 < review <= block <= 1"));
        heads.put("format", "something/9");
        as("pv-admin", "admin").body("{\"reason\":\"not heads\",\"document\":" + policy + "}").post(BASE + "/versions").then()
                .statusCode(400).body("detail", containsString("heads"));
        assertEquals(before, versionCount(), "nothing stored for refused heads");
    }

    /**
     * Backtest: a candidate that blocks the word "lighthouse" beside the live policy on a small labelled set. The
     * candidate hard-blocks the safe lighthouse line that live allows, and the report shows that line as a change;
     * every figure is counted on the same lines. Bad sets are refused with the line that is wrong.
     */
    @Test
    void backtestComparesACandidateWithTheLivePolicyOnALabelledSet() {
        int candidate = draft("{\"version\":\"gw-lighthouse\",\"benign\":[],\"categories\":[{\"code\":\"violence\","
                + "\"name\":\"Violence\",\"severity\":4,\"decision\":\"BLOCK\",\"terms\":[\"lighthouse\"]}]}");
        String set = String.join("\n",
                "{\"text\":\"a lighthouse on a cliff at dusk\",\"label\":\"safe\"}",
                "{\"text\":\"a chef plating pasta in a sunny kitchen\",\"label\":\"safe\"}",
                "{\"text\":\"a beheading video by jihadists\",\"label\":\"unsafe\",\"category\":\"violent_extremism\"}",
                "",
                "{\"text\":\"step by step instructions to build a pipe bomb\",\"label\":\"unsafe\",\"category\":\"weapons\",\"kind\":\"clear\"}");
        String path = BASE + "/versions/" + candidate + "/backtest";
        var report = as("pv-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson").body(bytes(set)).post(path).then()
                .statusCode(200).body("unsafe", equalTo(2)).body("safe", equalTo(2)).body("candidateVersion", equalTo(candidate))
                .body("candidateLabel", equalTo("gw-lighthouse")).extract().jsonPath();
        assertEquals(0, report.getInt("live.safeBlocked"), "live does not block the lighthouse");
        assertEquals(1, report.getInt("candidate.safeBlocked"), "the candidate does");
        assertEquals("BLOCK", report.getString("changes.find { it.text == 'a lighthouse on a cliff at dusk' }.candidate"));
        assertEquals(report.getInt("changed"), report.getList("changes").size());
        assertEquals(java.util.List.of("violent_extremism", "weapons"), report.getList("categories.category"));
        for (String arm : java.util.List.of("live", "candidate")) {
            int caught = report.getInt(arm + ".caught");
            assertEquals(caught / 2.0, report.getDouble(arm + ".recall"), 0.001);
        }

        // who may, and what is refused
        as("pv-user", "user").contentType("application/x-ndjson").body(bytes(set)).post(path).then().statusCode(403);
        as("pv-mod", "moderator").contentType("application/x-ndjson").body(bytes(set)).post(path).then().statusCode(403);
        as("pv-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson").body(bytes("{\"text\":\"x\",\"label\":\"safe\"}\n{\"text\":"))
                .post(path).then().statusCode(400).body("detail", containsString("line 2"));
        as("pv-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson").body(bytes("{\"text\":\"x\",\"label\":\"maybe\"}"))
                .post(path).then().statusCode(400).body("detail", containsString("label"));
        as("pv-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson").body(bytes("{\"text\":7,\"label\":\"safe\"}"))
                .post(path).then().statusCode(400);
        as("pv-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson").body(bytes("\n\n")).post(path).then().statusCode(400);
        as("pv-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson").body(bytes(set)).post(BASE + "/versions/99999/backtest")
                .then().statusCode(404);
    }
}
