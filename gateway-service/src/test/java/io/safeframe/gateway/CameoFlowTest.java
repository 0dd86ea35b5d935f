package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.GeneratorServiceProcess;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.LikenessServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ProvenanceServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * Likeness consent end to end (issue 21) over the real services with the likeness checks on: the flows the issue
 * names. The registry's own rules are tested in likeness-service, the API's input handling in {@link CameoApiTest}.
 *
 * <p>The flows need enrolment, and enrolment needs frame-classifier's DescribeFaces (face descriptors), which is being
 * built in parallel: until it answers, enrolment answers 503 and these tests are skipped (an assumption, reported as
 * skipped, never as passed). Until that work is merged frame-classifier-service does not even compile on this branch
 * (the contract has the RPC, the service does not), so this class cannot start its processes yet.
 */
@QuarkusTest
@TestProfile(CameoFlowTest.LikenessOn.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PolicyServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FramesServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ProvenanceServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GeneratorServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = LikenessServiceProcess.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CameoFlowTest {

    public static class LikenessOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.likeness.checks", "true");
        }
    }

    private static final Duration FLOW = Duration.ofSeconds(120);

    private static RequestSpecification as(String subject) {
        return given().auth().oauth2(Tokens.valid(subject, "user")).contentType(ContentType.JSON);
    }

    private static Response submit(String user, String prompt) {
        return as(user).header("X-Correlation-Id", "cameo-" + UUID.randomUUID())
                .body(Map.of("prompt", prompt, "durationSeconds", 2)).post("/v1/generations");
    }

    /**
     * One face, cropped from a face-api demo photo the frame-classifier build unpacks: sample6's, the face the
     * generator's test fixture paints into clips that ask for a person (the crop of sample1 first used here is not
     * detected surely enough for enrolment, which asks for a detection score of 0.8).
     */
    private static String facePhoto() throws Exception {
        return facePhoto("sample6.jpg", 1240, 498);
    }

    /** A crop around the face centred at (cx, cy) of a demo photo, as a base64 JPEG. */
    private static String facePhoto(String name, int cx, int cy) throws Exception {
        Path sample = Path.of("..", "frame-classifier-service", "target", "face-samples", name);
        assertTrue(Files.exists(sample), "frame-classifier's face samples are built with it: " + sample);
        BufferedImage photo = ImageIO.read(sample.toFile());
        BufferedImage face = photo.getSubimage(cx - 220, cy - 260, 440, 480);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(face, "jpg", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** Enrols through the API (the registry asks frame-classifier for the photo's face descriptor). */
    private static void enrol(String owner, String handle, String audience, List<String> granted) throws Exception {
        enrol(owner, handle, audience, granted, facePhoto());
    }

    private static void enrol(String owner, String handle, String audience, List<String> granted, String photo) {
        Response r = as(owner).body(Map.of("handle", handle, "audience", audience, "grantedAccounts", granted,
                "photos", List.of(Map.of("mediaType", "image/jpeg", "data", photo)))).post("/v1/cameos");
        assertEquals(201, r.statusCode(), r.asString());
        assertEquals("@" + handle, r.jsonPath().getString("handle"));
    }

    private static JsonPath await(String user, String id, String state) {
        long deadline = System.nanoTime() + FLOW.toNanos();
        JsonPath job;
        do {
            job = as(user).get("/v1/generations/" + id).then().extract().jsonPath();
            if (state.equals(job.getString("state"))) {
                return job;
            }
            if (List.of("PUBLISHED", "BLOCKED", "FAILED").contains(job.getString("state"))) {
                throw new AssertionError("job " + id + " ended " + job.getString("state") + " instead of " + state + ": " + job.prettify());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " not " + state + " within " + FLOW + ": " + job.prettify());
    }

    @Test
    @Order(3)
    void withoutConsentTheCameoIsBlockedAtThePrompt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String owner = "cameo-owner-" + tag;
        String handle = "owner_" + tag;
        enrol(owner, handle, "only_me", List.of());
        submit("cameo-stranger-" + tag, "@" + handle + " riding a horse").then().statusCode(422)
                .body("detail", containsString("@" + handle + " has not allowed you to use their likeness"));
    }

    @Test
    @Order(4)
    void withConsentPublishedWithTheConsentAssertionThenRevocationBlocksAndQueues() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String owner = "cameo-owner2-" + tag;
        String friend = "cameo-friend-" + tag;
        String handle = "friend_of_" + tag;
        enrol(owner, handle, "listed_accounts", List.of(friend));

        String id = submit(friend, "@" + handle + " waving on a beach").then().statusCode(202).extract().path("id");
        await(friend, id, "PUBLISHED");
        JsonPath uses = as(owner).get("/v1/cameos/me/uses").then().statusCode(200).extract().jsonPath();
        assertEquals(id, uses.getString("uses[0].generationId"));
        assertEquals(friend, uses.getString("uses[0].requester"));
        assertEquals("PUBLISHED", uses.getString("uses[0].state"));
        String consentId = uses.getString("uses[0].consentReferenceId");
        byte[] video = as(friend).get("/v1/generations/" + id + "/video").then().statusCode(200).extract().asByteArray();
        String bytes = new String(video, StandardCharsets.ISO_8859_1);
        assertTrue(bytes.contains("io.safeframe.likeness-consent") && bytes.contains(consentId),
                "the published video's C2PA manifest asserts the consent reference");

        as(owner).delete("/v1/cameos/me/grants/" + friend).then().statusCode(200);
        submit(friend, "@" + handle + " again").then().statusCode(422);
        JsonPath after = as(owner).get("/v1/cameos/me/uses").then().statusCode(200).extract().jsonPath();
        assertTrue(after.getBoolean("uses[0].ownerReview"), "the published video waits for the owner's review");

        // the owner takes it down: a report to moderation about the friend's video
        String caseId = as(owner).body(Map.of("reason", "I changed my mind")).post("/v1/cameos/me/uses/" + after.getString("uses[0].id") + "/takedown")
                .then().statusCode(201).body("caseId", org.hamcrest.Matchers.notNullValue()).extract().path("caseId");
        // moderators see it as the owner's takedown request: the cameo and the consent reference, no biometric data
        RequestSpecification moderator = given().auth().oauth2(Tokens.valid("cameo-mod-" + tag, "moderator"));
        JsonPath takedownCase = moderator.get("/v1/moderation/cases/" + caseId).then().statusCode(200).extract().jsonPath();
        assertTrue(takedownCase.getBoolean("likenessTakedown"));
        assertEquals(Map.of("useId", after.getString("uses[0].id"), "consentReferenceId", consentId, "handle", "@" + handle),
                takedownCase.getMap("reports.find { it.likenessTakedown != null }.likenessTakedown"));
        assertTrue(moderator.get("/v1/moderation/queues/all/cases?likenessTakedown=true").then().statusCode(200).extract().jsonPath()
                .getList("caseId").contains(caseId), "the takedown listing holds the case");

        // unenrolment: the handle is plain text again
        as(owner).delete("/v1/cameos/me").then().statusCode(200).body("deleted", equalTo(true));
        submit(friend, "@" + handle + " once more").then().statusCode(202);
    }

    /**
     * The prompt never names the cameo, but the video shows the enrolled face: the generator's test fixture paints
     * demo photo sample6's face (centre 1240,498) into any clip that asks for a person. Enrolled from a crop of the
     * same photo, that face must be recognised in the generated frames and the video blocked there.
     */
    @Test
    @Order(5)
    void aFaceInTheFramesWithoutConsentIsBlockedAtTheFrames() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        enrol("cameo-owner3-" + tag, "person_" + tag, "only_me", List.of(), facePhoto("sample6.jpg", 1240, 498));
        String id = submit("cameo-stranger3-" + tag, "a woman reading a book in a park").then().statusCode(202).extract().path("id");
        JsonPath job = await("cameo-stranger3-" + tag, id, "BLOCKED");
        assertTrue(job.getList("verdicts.ruleId").contains("likeness:frames.no-consent"), job.prettify());
    }
}
