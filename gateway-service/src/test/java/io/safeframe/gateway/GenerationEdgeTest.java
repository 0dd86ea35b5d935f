package io.safeframe.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.testing.PolicyServiceProcess;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;

/**
 * The public edge of POST /v1/generations against the real policy-service. prompt-guard is not running in this
 * test, which is exactly the fail-closed case: nothing may pass unscreened and the quota must come back.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
class GenerationEdgeTest {

    private static io.restassured.specification.RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.valid(user, "user")).contentType(ContentType.JSON);
    }

    @Test
    void guardDownFailsClosedWith503AndRefundsTheQuota() {
        as("edge-user-1").body("{\"prompt\":\"a cat surfing a wave at sunset\",\"durationSeconds\":5}")
                .when().post("/v1/generations").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .header("X-Correlation-Id", notNullValue())
                .body("type", containsString("safety-service-unavailable"))
                .body("detail", containsString("Nothing was generated"));
        // the reservation taken at Authorize was refunded: the platform failed, not the user
        as("edge-user-1").when().get("/v1/me").then().statusCode(200).body("remainingToday", equalTo(10));
        // Authorize's audit event commits with the reservation and reaches the chain moments later, off the caller's path
        java.util.List<String> actions = java.util.List.of();
        for (int attempt = 0; attempt < 50 && !actions.contains("generation.authorize"); attempt++) {
            if (attempt > 0) {
                sleep(200);
            }
            actions = as("edge-user-1").when().get("/v1/me/decisions").then().statusCode(200).extract().jsonPath().getList("action");
        }
        assertTrue(actions.contains("generation.authorize"), actions.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void malformedJsonIs400Problem() {
        as("edge-user-2").body("{\"prompt\": \"a cat\"").when().post("/v1/generations").then()
                .statusCode(400).contentType("application/problem+json").body("type", containsString("malformed-json"));
    }

    @Test
    void unknownFieldIs400() {
        as("edge-user-2").body("{\"prompt\":\"a cat\",\"safety\":\"off\"}").when().post("/v1/generations").then()
                .statusCode(400).body("type", containsString("unknown-field")).body("detail", containsString("safety"));
    }

    @Test
    void wrongTypesAre400() {
        as("edge-user-2").body("{\"prompt\":\"a cat\",\"durationSeconds\":\"5\"}").when().post("/v1/generations").then()
                .statusCode(400).body("type", containsString("wrong-type"));
        as("edge-user-2").body("{\"prompt\":42}").when().post("/v1/generations").then()
                .statusCode(400).body("type", containsString("wrong-type"));
        as("edge-user-2").body("[\"a cat\"]").when().post("/v1/generations").then().statusCode(400);
    }

    @Test
    void tooDeepJsonIs400() {
        String deep = "{\"prompt\":\"a\",\"aspect\":" + "[".repeat(40) + "]".repeat(40) + "}";
        as("edge-user-2").body(deep).when().post("/v1/generations").then().statusCode(400);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"prompt\":\"" + "a".repeat(70_000) + "\"}";
        as("edge-user-2").body(big).when().post("/v1/generations").then().statusCode(413)
                .contentType(containsString("problem+json")).body("type", containsString("body-too-large"));
        // leaving Content-Length out (a chunked body of unknown length) does not get around the limit
        java.net.http.HttpRequest chunked = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + "/v1/generations"))
                .header("Authorization", "Bearer " + Tokens.valid("edge-user-2", "user")).header("Content-Type", "application/json")
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
                .build();
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(chunked,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertEquals(411, answer.statusCode(), answer.body());
    }

    @Test
    void overlongPromptIs413Problem() {
        as("edge-user-2").body("{\"prompt\":\"" + "a".repeat(4001) + "\"}").when().post("/v1/generations").then()
                .statusCode(413).body("type", containsString("prompt-too-long"));
    }

    @Test
    void invalidUnicodeAndEmptyPromptAre400() {
        as("edge-user-2").body("{\"prompt\":\"a \\ud800 cat\"}").when().post("/v1/generations").then()
                .statusCode(400).body("detail", containsString("invalid Unicode"));
        as("edge-user-2").body("{\"prompt\":\"   \"}").when().post("/v1/generations").then()
                .statusCode(400).body("detail", containsString("empty"));
        as("edge-user-2").body("{\"prompt\":\"a cat\",\"aspect\":\"4:3\"}").when().post("/v1/generations").then()
                .statusCode(400).body("detail", containsString("aspect"));
        // nothing above reached policy-service: the full daily quota is still there
        as("edge-user-2").when().get("/v1/me").then().statusCode(200).body("remainingToday", equalTo(10));
    }

    @Test
    void unknownOrForeignJobIs404() {
        as("edge-user-3").when().get("/v1/generations/not-a-uuid").then().statusCode(404);
        as("edge-user-3").when().get("/v1/generations/6b1f6c33-5d43-4c55-9b63-1e0ad1a2a0aa").then().statusCode(404);
    }
}
