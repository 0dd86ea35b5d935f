package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * Active learning's queue over the public API with real processes: prompt-guard marks screenings uncertain (its band
 * widened here so that every encoder decision is), the gateway offers them, report-service queues only the consenting
 * account's prompt, scrubbed; a moderator labels it in /v1/moderation/labelling and the label is a safety label.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = LabellingFlowTest.UnsureGuard.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
class LabellingFlowTest {

    /** prompt-guard with a labelling band so wide that every screening the encoder decides is "uncertain". */
    public static class UnsureGuard extends GuardServiceProcess {
        @Override
        protected List<String> options() {
            List<String> out = new ArrayList<>(super.options());
            out.add("-Dsafeframe.guard.labelling.band=1000");
            return out;
        }
    }

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private static List<Map<String, Object>> pending() {
        return as("lq-mod", "moderator").get("/v1/moderation/labelling?limit=200").then().statusCode(200).extract().jsonPath().getList("$");
    }

    private static Map<String, Object> waitFor(String marker) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (Map<String, Object> item : pending()) {
                if (String.valueOf(item.get("prompt")).contains(marker)) {
                    return item;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no labelling item for " + marker);
    }

    @Test
    void anUncertainPromptOfAConsentingAccountIsLabelledByAModerator() throws InterruptedException {
        // letters only: a run of digits is a phone number to the scrubber, and the marker must survive it
        String run = UUID.randomUUID().toString().substring(0, 8).chars().mapToObj(c -> String.valueOf((char) (Character.isDigit(c) ? c - '0' + 'g' : c)))
                .collect(java.util.stream.Collectors.joining());
        String alice = "lq-alice-" + run;
        String bob = "lq-bob-" + run;
        as(alice, "user").body("{\"trainingUse\":true}").put("/v1/me/settings").then().statusCode(200);

        as(bob, "user").body("{\"prompt\":\"a heron fishing in a misty river bobmarker" + run + "\",\"durationSeconds\":2}")
                .post("/v1/generations").then().statusCode(202);
        as(alice, "user").body("{\"prompt\":\"a heron fishing in a river, filmed by Alice Johnson alice.j@example.com alicemarker"
                + run + "\",\"durationSeconds\":2}").post("/v1/generations").then().statusCode(202);

        Map<String, Object> item = waitFor("alicemarker" + run);
        String prompt = String.valueOf(item.get("prompt"));
        assertFalse(prompt.contains("alice.j@example.com") || prompt.contains("Johnson"), "stored unscrubbed: " + prompt);
        assertTrue(prompt.contains("[EMAIL]"), prompt);
        assertTrue(pending().stream().noneMatch(i -> String.valueOf(i.get("prompt")).contains("bobmarker" + run)),
                "an account without consent is never sampled");
        String id = (String) item.get("itemId");

        // who may: moderators and admins, not users or the anonymous
        as(alice, "user").get("/v1/moderation/labelling").then().statusCode(403);
        given().get("/v1/moderation/labelling").then().statusCode(401);
        as(alice, "user").body("{\"label\":\"safe\"}").post("/v1/moderation/labelling/" + id).then().statusCode(403);

        // bad input: clear errors, nothing labelled
        as("lq-mod", "moderator").get("/v1/moderation/labelling?limit=0").then().statusCode(400);
        as("lq-mod", "moderator").body("{\"label\":").post("/v1/moderation/labelling/" + id).then().statusCode(400);
        as("lq-mod", "moderator").body("{\"label\":\"maybe\"}").post("/v1/moderation/labelling/" + id).then().statusCode(400);
        as("lq-mod", "moderator").body("{\"label\":true}").post("/v1/moderation/labelling/" + id).then().statusCode(400);
        as("lq-mod", "moderator").body("{\"label\":\"unsafe\"}").post("/v1/moderation/labelling/" + id).then().statusCode(400)
                .body("detail", containsString("category"));
        as("lq-mod", "moderator").body("{\"label\":\"safe\",\"note\":\"bad \\ud800 text\"}").post("/v1/moderation/labelling/" + id)
                .then().statusCode(400);
        as("lq-mod", "moderator").body("{\"label\":\"safe\"}").post("/v1/moderation/labelling/" + UUID.randomUUID()).then().statusCode(404);
        as("lq-mod", "moderator").body("{\"label\":\"safe\"}").post("/v1/moderation/labelling/not-an-id").then().statusCode(404);
        assertTrue(pending().stream().anyMatch(i -> id.equals(i.get("itemId"))), "still waiting after the refusals");

        as("lq-mod", "moderator").body("{\"label\":\"safe\",\"note\":\"a nature clip\"}").post("/v1/moderation/labelling/" + id).then()
                .statusCode(200).body("state", equalTo("LABELLED")).body("label", equalTo("safe")).body("labelledBy", equalTo("lq-mod"));
        as("lq-mod2", "moderator").body("{\"label\":\"unsafe\",\"category\":\"violence_gore\"}").post("/v1/moderation/labelling/" + id)
                .then().statusCode(409);
        assertTrue(pending().stream().noneMatch(i -> id.equals(i.get("itemId"))));

        // the owner's export lists the sampled prompt (scrubbed, as stored) and its label, not who labelled it
        as(alice, "user").get("/v1/me/export").then().statusCode(200)
                .body("sections.sampledForLabelling.data.find { it.itemId == '" + id + "' }.label", equalTo("safe"))
                .body("sections.sampledForLabelling.data.find { it.itemId == '" + id + "' }.labelledBy", org.hamcrest.Matchers.nullValue());

        as("lq-admin", "admin").get("/v1/admin/datasets/labels?source=labelling").then().statusCode(200)
                .body("find { it.targetId == '" + id + "' }.decision", equalTo("ALLOW"))
                .body("find { it.targetId == '" + id + "' }.source", equalTo("labelling"))
                .body("find { it.targetId == '" + id + "' }.caseId", org.hamcrest.Matchers.nullValue());
    }
}
