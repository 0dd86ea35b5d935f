package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.api.v1.ClassifyFramesRequest;
import io.safeframe.api.v1.FrameClassifierGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Frame;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PackagedService;
import io.safeframe.testing.PolicyServiceProcess;

/**
 * The classifier policy as versions in the policy store (issue 24 items 1 and 7): frame-classifier seeds the empty
 * store with the policy it carries and classifies with the store's live version. Through the gateway's admin API with
 * real tokens: a draft is checked by frame-classifier's own parser (400 with its reason), shadow, canary and backtests
 * are refused for this kind (409), a reviewed version made live is in force on the running frame-classifier within
 * seconds, a rollback restores the old one, and with the store down the last good version stays.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = ClassifierPolicyStoreTest.StoreFrames.class, restrictToAnnotatedClass = true)
class ClassifierPolicyStoreTest {

    /** frame-classifier with the policy store on, polled every second. */
    public static class StoreFrames extends FramesServiceProcess {
        @Override
        protected List<String> options() {
            List<String> out = new ArrayList<>(super.options());
            for (String prefix : List.of("", "%test.")) {
                out.addAll(List.of("-D" + prefix + "safeframe.frames.policy-store.enabled=true",
                        "-D" + prefix + "safeframe.frames.policy-store.poll-every=1s"));
            }
            return out;
        }
    }

    private static final String BASE = "/v1/admin/policies/classifier";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    /** The policy version the running frame-classifier names in its verdict on a plain grey still. */
    private static String versionInForce() {
        ManagedChannel channel = IdentityChannels.as("gateway-service", FramesServiceProcess.PORT + 400);
        try {
            return FrameClassifierGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .classifyFrames(ClassifyFramesRequest.newBuilder().setContext(RequestContext.newBuilder().setCorrelationId("clf-store"))
                            .addFrames(Frame.newBuilder().setImage(ByteString.copyFrom(greyPng())).setTimestampMs(0)).build())
                    .getVerdict().getPolicyVersion();
        } catch (io.grpc.StatusRuntimeException e) {
            return "refused: " + e.getStatus().getCode();
        } finally {
            channel.shutdownNow();
        }
    }

    private static byte[] greyPng() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, 0x808080 + (x + y) % 7);
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String draftBody(Map<String, Object> document) throws Exception {
        return "{\"reason\":\"tune the classifier\",\"document\":" + JSON.writeValueAsString(document) + "}";
    }

    @Test
    @SuppressWarnings("unchecked")
    void classifierVersionsAreCheckedReviewedAndFollowedByTheRunningService() throws Exception {
        // seeded by frame-classifier with the policy it carries, and in force there
        Await.millisUntil(() -> as("clf-admin", "admin").get(BASE + "/versions").then().extract().jsonPath().getList("versions.state").contains("live"),
                "the seeded classifier policy");
        Map<String, Object> seeded = as("clf-admin", "admin").get(BASE + "/versions/1").then().statusCode(200).extract().jsonPath().getMap("document");
        String builtIn = (String) seeded.get("version");
        Await.millisUntil(() -> builtIn.equals(versionInForce()), "frame-classifier classifying with " + builtIn);

        // frame-classifier's own parser checks a draft: impossible thresholds, unknown fields, a missing section
        Map<String, Object> broken = new HashMap<>(seeded);
        List<Map<String, Object>> categories = new ArrayList<>((List<Map<String, Object>>) seeded.get("categories"));
        Map<String, Object> first = new HashMap<>(categories.get(0));
        first.put("review", 0.9);
        first.put("block", 0.5);
        categories.set(0, first);
        broken.put("categories", categories);
        as("clf-admin", "admin").body(draftBody(broken)).post(BASE + "/versions").then().statusCode(400)
                .body("detail", containsString("need 0 < review <= block"));
        Map<String, Object> unknownField = new HashMap<>(seeded);
        unknownField.put("threshold", 3);
        as("clf-admin", "admin").body(draftBody(unknownField)).post(BASE + "/versions").then().statusCode(400)
                .body("detail", containsString("classifier policy document is invalid"));
        Map<String, Object> noMinors = new HashMap<>(seeded);
        noMinors.remove("minors");
        as("clf-admin", "admin").body(draftBody(noMinors)).post(BASE + "/versions").then().statusCode(400)
                .body("detail", containsString("minors"));
        as("clf-admin", "admin").get(BASE + "/versions").then().body("versions.size()", equalTo(1));

        // a valid version: reviewed by a second person; shadow, canary and backtests are not for this kind
        Map<String, Object> next = new HashMap<>(seeded);
        next.put("version", "clf-store-2");
        int v2 = as("clf-admin", "admin").body(draftBody(next)).post(BASE + "/versions").then().statusCode(201).extract().path("version");
        as("clf-admin", "admin", "policy_reviewer").body(Map.of("reason", "mine")).post(BASE + "/versions/" + v2 + "/approve").then().statusCode(403);
        as("clf-rita", "moderator", "policy_reviewer").body(Map.of("reason", "same thresholds, new label")).post(BASE + "/versions/" + v2 + "/approve")
                .then().statusCode(200);
        as("clf-admin", "admin").body(Map.of("to", "shadow", "reason", "watch it")).post(BASE + "/versions/" + v2 + "/transition").then()
                .statusCode(409).body("detail", containsString("prompt policies only"));
        as("clf-admin", "admin").body(Map.of("to", "canary", "reason", "try it")).post(BASE + "/versions/" + v2 + "/transition").then().statusCode(409);
        as("clf-rita", "moderator", "policy_reviewer").contentType("application/x-ndjson")
                .body("{\"text\":\"x\",\"label\":\"safe\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post(BASE + "/versions/" + v2 + "/backtest").then().statusCode(409);

        // live: the running service follows within seconds; rolled back, the old version returns
        as("clf-admin", "admin").body(Map.of("to", "live", "reason", "go")).post(BASE + "/versions/" + v2 + "/transition").then().statusCode(200);
        long promoted = Await.millisUntil(() -> "clf-store-2".equals(versionInForce()), "v2 in force");
        as("clf-admin", "admin").body(Map.of("reason", "back to the built-in thresholds")).post(BASE + "/rollback").then().statusCode(200)
                .body("version", equalTo(1));
        long rolledBack = Await.millisUntil(() -> builtIn.equals(versionInForce()), "v1 in force again");
        System.out.printf("classifier policy store: promotion in force after %d ms, rollback after %d ms%n", promoted, rolledBack);

        // the store unreachable: the last good version stays in force
        PackagedService store = PackagedService.running(PolicyServiceProcess.class);
        store.kill();
        try {
            Thread.sleep(2500);
            assertEquals(builtIn, versionInForce(), "the last good version stays while the store is down");
        } finally {
            store.restart();
        }
    }
}
