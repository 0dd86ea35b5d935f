package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.safeframe.testing.PolicyServiceProcess;

/** The limits over real HTTP with real signed tokens, set tight by a test profile. */
@QuarkusTest
@TestProfile(RateLimitTest.Tight.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
class RateLimitTest {

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.rate-limit.upload.burst", "2", "safeframe.rate-limit.upload.per-second", "0.05",
                    "safeframe.rate-limit.account.burst", "3", "safeframe.rate-limit.account.per-second", "0.05");
        }
    }

    @Test
    void publicUploadsPerAddressGet429WithRetryAfter() {
        for (int i = 0; i < 2; i++) {
            given().contentType("image/png").body(new byte[] { 1, 2, 3 }).post("/v1/verify").then().statusCode(not(equalTo(429)));
        }
        String retryAfter = given().contentType("image/png").body(new byte[] { 1, 2, 3 }).post("/v1/verify").then().statusCode(429)
                .contentType("application/problem+json").body("status", equalTo(429)).extract().header("Retry-After");
        assertTrue(Integer.parseInt(retryAfter) >= 1 && Integer.parseInt(retryAfter) <= 20, retryAfter);
        // and the refusal is counted for the dashboards
        String metrics = given().port(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("safeframe_rate_limited_total{bucket=\"upload\"") && !l.endsWith(" 0.0")), metrics.lines()
                .filter(l -> l.contains("rate_limited")).toList().toString());
    }

    @Test
    void eachAccountHasItsOwnBudgetKeyedByTheVerifiedSubject() {
        String alice = Tokens.valid("rl-alice", "user");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(alice).get("/v1/me").then().statusCode(not(equalTo(429)));
        }
        given().auth().oauth2(alice).get("/v1/me").then().statusCode(429).header("Retry-After", not(equalTo(null)))
                .body("type", equalTo("https://safeframe.dev/problems/rate-limited"));
        // bob is not affected by alice's spending, from the same address
        given().auth().oauth2(Tokens.valid("rl-bob", "user")).get("/v1/me").then().statusCode(not(equalTo(429)));
        // a forged token naming bob is refused as unauthenticated and spends nothing of bob's
        given().auth().oauth2(alice.substring(0, alice.length() - 4) + "AAAA").get("/v1/me").then().statusCode(401);
    }
}
