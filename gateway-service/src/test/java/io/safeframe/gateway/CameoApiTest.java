package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.LikenessServiceProcess;
import io.safeframe.testing.PackagedService;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * The /v1/cameos API and the prompt check in front of screening, against the real likeness-service, policy-service
 * and prompt-guard processes with real signed tokens: bad input is refused with problems before anything is stored,
 * an unknown handle is plain text, and the registry being down fails the submission closed.
 */
@QuarkusTest
@TestProfile(CameoFlowTest.LikenessOn.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PolicyServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = LikenessServiceProcess.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CameoApiTest {

    private static RequestSpecification as(String subject) {
        return given().auth().oauth2(Tokens.valid(subject, "user")).contentType(ContentType.JSON);
    }

    private static Response submit(String user, String prompt) {
        return as(user).header("X-Correlation-Id", "cameo-" + UUID.randomUUID())
                .body(Map.of("prompt", prompt, "durationSeconds", 2)).post("/v1/generations");
    }

    @Test
    @Order(1)
    void cameoEndpointsRefuseBadInputWithProblems() {
        String u = "cameo-input-" + UUID.randomUUID();
        as(u).body("{\"handle\":\"x\",").post("/v1/cameos").then().statusCode(400).contentType("application/problem+json");
        as(u).body("{\"handle\":\"abc\",\"audience\":\"everyone\",\"photos\":[],\"admin\":true}").post("/v1/cameos").then().statusCode(400);
        as(u).body("{\"handle\":\"abc\",\"audience\":\"everyone\",\"photos\":[],\"handle\":\"abd\"}").post("/v1/cameos").then().statusCode(400);
        as(u).body(Map.of("handle", "abc", "audience", "friends", "photos", List.of(Map.of("mediaType", "image/png", "data", "AAAA"))))
                .post("/v1/cameos").then().statusCode(400).body("detail", containsString("audience"));
        as(u).body(Map.of("handle", "abc", "audience", "everyone", "photos", List.of())).post("/v1/cameos").then().statusCode(400);
        as(u).body(Map.of("handle", "abc", "audience", "everyone", "photos", List.of(Map.of("mediaType", "image/gif", "data", "AAAA"))))
                .post("/v1/cameos").then().statusCode(400).body("detail", containsString("mediaType"));
        as(u).body(Map.of("handle", "abc", "audience", "everyone", "photos", List.of(Map.of("mediaType", "image/png", "data", "%%%"))))
                .post("/v1/cameos").then().statusCode(400).body("detail", containsString("base64"));
        List<Map<String, String>> six = java.util.Collections.nCopies(6, Map.of("mediaType", "image/png", "data", "AAAA"));
        as(u).body(Map.of("handle", "abc", "audience", "everyone", "photos", six)).post("/v1/cameos").then().statusCode(400);
        // over the enrolment route's limit (6 MiB): refused before the body is read
        as(u).body("{\"handle\":\"" + "a".repeat(6_400_000) + "\"}").post("/v1/cameos").then().statusCode(413);
        // the other cameo routes keep the JSON limit
        as(u).body("{\"audience\":\"" + "a".repeat(70_000) + "\"}").put("/v1/cameos/me/audience").then().statusCode(413);
        // a handle the registry refuses (hostile Unicode) is the registry's 422, nothing stored
        as(u).body(Map.of("handle", "\u0430lice", "audience", "everyone", "photos", List.of(Map.of("mediaType", "image/png", "data", "AAAA"))))
                .post("/v1/cameos").then().statusCode(422);
        // no token, a forged one
        given().contentType(ContentType.JSON).get("/v1/cameos/me").then().statusCode(401);
        given().auth().oauth2(Tokens.valid(u, "user") + "x").get("/v1/cameos/me").then().statusCode(401);
        // nothing enrolled: 404 on every owner control
        as(u).get("/v1/cameos/me").then().statusCode(404).contentType("application/problem+json");
        as(u).put("/v1/cameos/me/grants/bob").then().statusCode(404);
        as(u).delete("/v1/cameos/me").then().statusCode(404);
        as(u).body("{}").post("/v1/cameos/me/uses/" + UUID.randomUUID() + "/takedown").then().statusCode(404);
        as(u).get("/v1/cameos/me/uses").then().statusCode(200).body("uses.size()", equalTo(0));
    }

    @Test
    @Order(2)
    void theProtectedPersonsBankIsForAdminsOnly() {
        String body = "{\"name\":\"A Public Figure\",\"photos\":[{\"mediaType\":\"image/png\",\"data\":\"AAAA\"}]}";
        as("cameo-user-" + UUID.randomUUID()).body(body).post("/v1/admin/protected-persons").then().statusCode(403);
        as("cameo-user-" + UUID.randomUUID()).get("/v1/admin/protected-persons").then().statusCode(403);
        RequestSpecification admin = given().auth().oauth2(Tokens.valid("cameo-admin-" + UUID.randomUUID(), "admin")).contentType(ContentType.JSON);
        admin.body("{\"name\":\"x\",\"photos\":[]}").post("/v1/admin/protected-persons").then().statusCode(400);
        admin.body("{\"name\":\"x\",\"photos\":[{\"mediaType\":\"image/png\",\"data\":\"AAAA\"}],\"x\":1}")
                .post("/v1/admin/protected-persons").then().statusCode(400);
        admin.delete("/v1/admin/protected-persons/not-a-uuid").then().statusCode(422);
        admin.delete("/v1/admin/protected-persons/" + UUID.randomUUID()).then().statusCode(404);
        admin.get("/v1/admin/protected-persons").then().statusCode(200).body("persons", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    @Order(3)
    void anUnknownHandleIsPlainTextAndTheRegistryDownFailsClosed() {
        String u = "cameo-plain-" + UUID.randomUUID();
        submit(u, "a poster saying @nobody_" + UUID.randomUUID().toString().substring(0, 8) + " in neon").then().statusCode(202);
        PackagedService registry = PackagedService.running(LikenessServiceProcess.class);
        registry.kill();
        try {
            submit(u, "a quiet harbour at dawn").then().statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        } finally {
            registry.restart();
        }
        // back: accepted again once the gateway's channel has reconnected (gRPC back-off, a few seconds at most)
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        int status;
        do {
            // a new account each time: every attempt is a request against the per-account limits
            status = submit("cameo-back-" + UUID.randomUUID(), "a quiet harbour at dawn").statusCode();
        } while (status == 503 && System.nanoTime() < deadline && pause());
        org.junit.jupiter.api.Assertions.assertEquals(202, status);
    }

    private static boolean pause() {
        try {
            Thread.sleep(500);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

}
