package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * Usage tiers as versions in the policy store (issue 24 item 1): through the gateway's admin API with real tokens, a
 * draft is checked by policy-service's own tier parser (400 with its reason), approved by a second person, and once
 * live the running policy-service (it follows the store every second in tests, PolicyServiceProcess) grants by it
 * within seconds; shadow and canary are refused for this kind; a
 * rollback restores the old tiers. What a user sees is {@code GET /v1/me}'s remaining quota.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
class TierPolicyStoreTest {

    private static final String BASE = "/v1/admin/policies/tiers";

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    /** A fresh free-tier user's remaining generations today: the free tier's daily limit in force. */
    private static int freePerDay() {
        return as("tier-user-" + UUID.randomUUID(), "user").get("/v1/me").then().statusCode(200).extract().path("remainingToday");
    }

    /** The seeded document under a new label with one field of the free tier set. */
    @SuppressWarnings("unchecked")
    private static io.vertx.core.json.JsonObject withFree(Map<String, Object> seeded, String label, String field, int value) {
        io.vertx.core.json.JsonObject document = new io.vertx.core.json.JsonObject(seeded).copy().put("version", label);
        document.getJsonObject("tiers").getJsonObject("free").put(field, value);
        return document;
    }

    private static String draft(String document) {
        return "{\"reason\":\"fewer free generations during the launch\",\"document\":" + document + "}";
    }

    @Test
    @SuppressWarnings("unchecked")
    void tierVersionsAreCheckedReviewedAndFollowedByPolicyService() throws Exception {
        // seeded by policy-service with its built-in tiers, and in force
        Await.millisUntil(() -> as("tier-admin", "admin").get(BASE + "/versions").then().extract().jsonPath().getList("versions.state").contains("live"),
                "the seeded tiers");
        List<Map<String, Object>> versions = as("tier-admin", "admin").get(BASE + "/versions").then().extract().jsonPath().getList("versions");
        int seededVersion = (Integer) versions.stream().filter(v -> "live".equals(v.get("state"))).findFirst().orElseThrow().get("version");
        Map<String, Object> seeded = as("tier-admin", "admin").get(BASE + "/versions/" + seededVersion).then().statusCode(200)
                .extract().jsonPath().getMap("document");
        Map<String, Object> tiers = (Map<String, Object>) seeded.get("tiers");
        int builtInFree = (Integer) ((Map<String, Object>) tiers.get("free")).get("generationsPerDay");
        Await.millisUntil(() -> freePerDay() == builtInFree, "the built-in free tier in force");

        String fewer = withFree(seeded, "tiers-launch", "generationsPerDay", 2).encode();

        // policy-service's parser checks the draft: a tier the service needs removed, a zero limit, an unknown field
        io.vertx.core.json.JsonObject withoutThrottled = new io.vertx.core.json.JsonObject(fewer);
        withoutThrottled.getJsonObject("tiers").remove("throttled");
        as("tier-admin", "admin").body(draft(withoutThrottled.encode())).post(BASE + "/versions").then().statusCode(400)
                .body("detail", containsString("throttled"));
        as("tier-admin", "admin").body(draft(withFree(seeded, "tiers-zero", "generationsPerDay", 0).encode())).post(BASE + "/versions")
                .then().statusCode(400).body("detail", containsString("positive"));
        as("tier-admin", "admin").body(draft(withFree(seeded, "tiers-perks", "perks", 1).encode())).post(BASE + "/versions")
                .then().statusCode(400).body("detail", containsString("unknown field"));
        as("tier-admin", "admin").body("{\"reason\":\"x\",\"document\":{\"tiers\":").post(BASE + "/versions").then().statusCode(400);
        as("tier-user", "user").body(draft(fewer)).post(BASE + "/versions").then().statusCode(403);

        int v = as("tier-admin", "admin").body(draft(fewer)).post(BASE + "/versions").then().statusCode(201).extract().path("version");
        as("tier-admin", "admin", "policy_reviewer").body(Map.of("reason", "mine")).post(BASE + "/versions/" + v + "/approve").then().statusCode(403);
        as("tier-rita", "moderator", "policy_reviewer").body(Map.of("reason", "capacity agreed")).post(BASE + "/versions/" + v + "/approve")
                .then().statusCode(200);
        as("tier-admin", "admin").body(Map.of("to", "canary", "reason", "try it")).post(BASE + "/versions/" + v + "/transition").then()
                .statusCode(409).body("detail", containsString("prompt policies only"));
        as("tier-admin", "admin").body(Map.of("to", "shadow", "reason", "watch it")).post(BASE + "/versions/" + v + "/transition").then().statusCode(409);

        as("tier-admin", "admin").body(Map.of("to", "live", "reason", "launch")).post(BASE + "/versions/" + v + "/transition").then().statusCode(200);
        long promoted = Await.millisUntil(() -> freePerDay() == 2, "two free generations a day");
        as("tier-admin", "admin").body(Map.of("reason", "support tickets")).post(BASE + "/rollback").then().statusCode(200)
                .body("version", equalTo(seededVersion));
        long rolledBack = Await.millisUntil(() -> freePerDay() == builtInFree, "the built-in free tier again");
        System.out.printf("tiers store: promotion in force after %d ms, rollback after %d ms%n", promoted, rolledBack);
    }
}
