package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * Teen protections end to end (issue 26, item 3): real signed tokens carrying the age_band claim, the gateway, the
 * real policy-service and prompt-guard processes over gRPC. A prompt allowed for an adult is blocked for a teen; a
 * token whose claim was changed is refused; a claim the gateway does not recognise is read as teen.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
class TeenProtectionTest {

    /** Nothing unsafe for an adult; drinking is an activity the teen profile restricts to adults. */
    private static final String BEER = "{\"prompt\":\"two friends drinking beer on a rooftop at sunset\",\"durationSeconds\":5}";
    /** A REVIEW category for adults (copyrighted characters), raised to BLOCK for teens. */
    private static final String MICKEY = "{\"prompt\":\"mickey mouse dancing in a kitchen\",\"durationSeconds\":5}";

    private static String token(String subject, Object ageBand) {
        var claims = Tokens.claims(subject, "user");
        if (ageBand != null) {
            claims.claim("age_band", ageBand);
        }
        return Tokens.sign(claims);
    }

    private static RequestSpecification with(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /** The band a job was stored with (its later checks, e.g. the clip's likeness check, apply it). */
    private String storedBand(String jobId) {
        return pool.preparedQuery("select age_band from generation_job where job_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(java.util.UUID.fromString(jobId))).await().indefinitely()
                .iterator().next().getString("age_band");
    }

    @Test
    void aPromptAllowedForAnAdultIsBlockedForATeen() {
        String adultJob = with(token("teen-adult-1", "adult")).body(BEER).when().post("/v1/generations").then()
                .statusCode(202).body("state", equalTo("GENERATING")).extract().path("id");
        org.junit.jupiter.api.Assertions.assertEquals("AGE_BAND_ADULT", storedBand(adultJob));
        String teenJob = with(token("teen-teen-1", "teen")).body(BEER).when().post("/v1/generations").then()
                .statusCode(422).contentType("application/problem+json")
                .body("type", containsString("prompt-blocked"))
                .body("detail", containsString("restricted to adults"))
                .body("job.state", equalTo("BLOCKED"))
                .body("job.verdicts[1].categories", hasKey("age_restricted"))
                .body("job.verdicts[1].policyVersion", endsWith("+teen")).extract().path("job.id");
        org.junit.jupiter.api.Assertions.assertEquals("AGE_BAND_TEEN", storedBand(teenJob));
    }

    @Test
    void aCategoryHeldForAnAdultIsBlockedForATeen() {
        // for the adult the prompt is held for a moderator: report-service is not running here, so the hold cannot open
        // its case and the job fails closed (503); what matters is that it was not blocked (no 422)
        int adult = with(token("teen-adult-2", "adult")).body(MICKEY).when().post("/v1/generations").then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertNotEquals(422, adult);
        with(token("teen-teen-2", "teen")).body(MICKEY).when().post("/v1/generations").then()
                .statusCode(422).body("job.verdicts[1].decision", equalTo("BLOCK"));
    }

    @Test
    void aTokenWithoutTheClaimGetsTheStandardRules() {
        with(token("teen-none-1", null)).body(BEER).when().post("/v1/generations").then().statusCode(202);
    }

    @Test
    void anUnrecognisedClaimIsReadAsTeen() {
        with(token("teen-odd-1", "Adult")).body(BEER).when().post("/v1/generations").then().statusCode(422);
        with(token("teen-odd-2", "child")).body(BEER).when().post("/v1/generations").then().statusCode(422);
        with(token("teen-odd-3", java.util.List.of("adult", "teen"))).body(BEER).when().post("/v1/generations").then()
                .statusCode(422);
    }

    @Test
    void aTeenTokenRewrittenToSayAdultIsRefused() {
        String teen = token("teen-forger-1", "teen");
        String[] parts = teen.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(payload.contains("\"age_band\":\"teen\""), payload);
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("\"age_band\":\"teen\"", "\"age_band\":\"adult\"").getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        with(forged).body(BEER).when().post("/v1/generations").then().statusCode(401);
        // dropping the claim breaks the signature just the same
        String dropped = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace(",\"age_band\":\"teen\"", "").replace("\"age_band\":\"teen\",", "")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        with(dropped).body(BEER).when().post("/v1/generations").then().statusCode(401);
        // the genuine teen token still works, and is still a teen
        with(teen).body(BEER).when().post("/v1/generations").then().statusCode(422);
    }
}
