package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.testing.PolicyServiceProcess;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
class AuthenticationTest {

    @Test
    void noTokenIs401() {
        given().when().get("/v1/me").then().statusCode(401);
    }

    @Test
    void validUserTokenReachesPolicyServiceOverGrpc() {
        given().auth().oauth2(Tokens.valid("auth-user-1", "user")).when().get("/v1/me").then().statusCode(200)
                .body("account", equalTo("auth-user-1"))
                .body("standing", equalTo("ACTIVE"))
                .body("tier", equalTo("free"))
                .body("remainingToday", equalTo(10));
    }

    @Test
    void forgedOrStaleTokensAre401() {
        byte[] publicKey;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("publicKey.pem")) {
            publicKey = in == null ? "unknown".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        for (String token : new String[] { Tokens.expired("u"), Tokens.wrongIssuer("u"), Tokens.wrongAudience("u"),
                Tokens.foreignKey("u"), Tokens.tamperedSignature("u"), Tokens.algNone("u"),
                Tokens.hs256WithPublicKey("u", publicKey), "not-a-jwt", "" }) {
            given().header("Authorization", "Bearer " + token).when().get("/v1/me").then().statusCode(401);
        }
    }

    @Test
    void userCallingAdminEndpointIs403() {
        given().auth().oauth2(Tokens.valid("auth-user-2", "user")).when().get("/v1/admin/audit/verify").then().statusCode(403);
        given().auth().oauth2(Tokens.valid("auth-mod-1", "user", "moderator")).when().get("/v1/admin/audit/verify").then().statusCode(403);
    }

    @Test
    void adminExportsTheAuditLogAsJsonLines() {
        // an Authorize is audited (prompt-guard is not running here, so the request itself ends in 503)
        given().auth().oauth2(Tokens.valid("auth-user-9", "user")).contentType("application/json")
                .body("{\"prompt\":\"a lighthouse at dusk\"}").when().post("/v1/generations").then().statusCode(503);
        String body = given().auth().oauth2(Tokens.valid("auth-admin-2", "admin")).when().get("/v1/admin/audit/export")
                .then().statusCode(200).contentType("application/x-ndjson").extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(body.lines().anyMatch(l -> l.contains("\"type\":\"event\"")), body);
        given().auth().oauth2(Tokens.valid("auth-admin-2", "admin")).when().get("/v1/admin/audit/export?from=0").then()
                .statusCode(400);
        given().auth().oauth2(Tokens.valid("auth-mod-2", "moderator")).when().get("/v1/admin/audit/export").then()
                .statusCode(403);
    }

    @Test
    void adminVerifiesTheAuditChainThroughTheGateway() {
        given().auth().oauth2(Tokens.valid("auth-admin-1", "admin")).when().get("/v1/admin/audit/verify").then()
                .statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void theConsoleIsServedWithAStrictContentSecurityPolicyAndItsSignInSettings() {
        given().redirects().follow(false).get("/console").then().statusCode(302).header("Location", org.hamcrest.Matchers.endsWith("/console/"));
        given().get("/console/").then().statusCode(200).contentType(org.hamcrest.Matchers.containsString("text/html"))
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"))
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
        // the libraries fetched from the npm registry at build time are packaged with it
        given().get("/console/vendor/oidc-client-ts.min.js").then().statusCode(200);
        given().get("/console/vendor/chart.umd.min.js").then().statusCode(200);
        given().get("/v1/console/config").then().statusCode(200).body("clientId", equalTo("safeframe-app"))
                .body("authority", org.hamcrest.Matchers.endsWith("/realms/quarkus/"));
    }
}
