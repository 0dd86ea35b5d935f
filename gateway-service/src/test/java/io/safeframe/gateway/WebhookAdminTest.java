package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ReportServiceProcess;

/**
 * Webhooks through the gateway (issue 26, item 6): a moderator's decision on a held prompt reaches a receiver in this
 * test as a signed event; the admin lists it and replays it through /v1/admin/webhooks; non-admins and bad bodies are
 * refused. report-service runs as its own process with webhooks pointed at the receiver.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = WebhookAdminTest.ReportWithWebhooks.class, restrictToAnnotatedClass = true)
class WebhookAdminTest {

    /** Shared through system properties: the test resource and the test may be loaded by different class loaders. */
    static synchronized int receiverPort() {
        String port = System.getProperty("webhook-admin-test.port");
        if (port == null) {
            port = Integer.toString(freePort());
            System.setProperty("webhook-admin-test.port", port);
        }
        return Integer.parseInt(port);
    }

    /** Made for this run; the receiver checks the signature header's shape and the key id (the HMAC itself is
     *  verified in report-service's WebhookDeliveryTest). */
    static final String SECRET = java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID();

    /** report-service with webhooks on, pointed at this test's receiver. */
    public static class ReportWithWebhooks extends ReportServiceProcess {
        @Override
        protected List<String> options() {
            List<String> out = new ArrayList<>(super.options());
            out.addAll(List.of("-Dsafeframe.webhook.url=http://127.0.0.1:" + receiverPort() + "/hooks",
                    "-Dsafeframe.webhook.secret=" + SECRET, "-Dsafeframe.webhook.key-id=gw-test",
                    "-Dsafeframe.webhook.initial-backoff=PT0.2S", "-Dsafeframe.webhook.poll=0.2s"));
            return out;
        }
    }

    record Received(String eventId, String type, String keyId, String signature, String body) {
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    static HttpServer receiver;

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort()), 0);
        receiver.createContext("/hooks", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var h = exchange.getRequestHeaders();
            RECEIVED.add(new Received(h.getFirst("Safeframe-Event-Id"), h.getFirst("Safeframe-Event-Type"), h.getFirst("Safeframe-Key-Id"),
                    h.getFirst("Safeframe-Signature"), body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RequestSpecification as(String user, String... roles) {
        return given().auth().oauth2(Tokens.valid(user, roles)).contentType(ContentType.JSON);
    }

    @Test
    void aDecisionReachesThePlatformAndAnAdminCanReplayIt() throws InterruptedException {
        String job = as("hook-carol", "user").body("{\"prompt\":\"mickey mouse riding a bicycle\"}").post("/v1/generations").then()
                .log().ifValidationFails().statusCode(202).body("state", equalTo("HELD_FOR_REVIEW")).extract().path("id");
        var claimed = as("hook-mod", "moderator").post("/v1/moderation/queues/copyrighted_characters/claim").then().statusCode(200)
                .body("target.id", equalTo(job));
        String caseId = claimed.extract().path("caseId");
        int version = claimed.extract().path("version");
        String decisionId = as("hook-mod", "moderator").body("{\"action\":\"REMOVE_CONTENT\",\"facts\":\"A trademarked character.\","
                + "\"ground\":\"Terms §7 intellectual property\",\"caseVersion\":" + version + "}")
                .post("/v1/moderation/cases/" + caseId + "/decision").then().statusCode(200).extract().path("decisionId");

        List<Received> mine = awaitEvents(decisionId, 2);
        assertEquals(java.util.Set.of("decision.made", "content.removed"), mine.stream().map(Received::type).collect(java.util.stream.Collectors.toSet()));
        assertTrue(mine.stream().allMatch(r -> "gw-test".equals(r.keyId()) && r.signature().matches("v1=[0-9a-f]{64}")), mine.toString());
        assertTrue(mine.stream().noneMatch(r -> r.body().contains("hook-mod")), "the moderator is not named");

        // the admin's view: both delivered
        String eventId = mine.get(0).eventId();
        as("hook-admin", "admin").get("/v1/admin/webhooks/events?state=DELIVERED").then().statusCode(200)
                .body("events.find { it.eventId == '" + eventId + "' }.state", equalTo("DELIVERED"))
                .body("events.find { it.eventId == '" + eventId + "' }.attempts", equalTo(1));
        // replay by id: back to PENDING, then delivered again with the same body
        as("hook-admin", "admin").body("{\"eventIds\":[\"" + eventId + "\"]}").post("/v1/admin/webhooks/replay").then().statusCode(200)
                .body("events[0].eventId", equalTo(eventId)).body("events[0].replays", equalTo(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (RECEIVED.stream().filter(r -> r.eventId().equals(eventId)).count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<Received> twice = RECEIVED.stream().filter(r -> r.eventId().equals(eventId)).toList();
        assertEquals(2, twice.size(), "the replay re-delivered the event once");
        assertEquals(twice.get(0).body(), twice.get(1).body());
    }

    @Test
    void onlyAdminsAndOnlyWellFormedRequests() {
        as("hook-user", "user").get("/v1/admin/webhooks/events").then().statusCode(403);
        as("hook-mod2", "moderator").body("{\"state\":\"DEAD\"}").post("/v1/admin/webhooks/replay").then().statusCode(403);
        given().get("/v1/admin/webhooks/events").then().statusCode(401);
        // refused by report-service (INVALID_ARGUMENT, 422): an unknown state, neither ids nor a state
        as("hook-admin", "admin").get("/v1/admin/webhooks/events?state=LOST").then().statusCode(422);
        as("hook-admin", "admin").get("/v1/admin/webhooks/events?limit=100000").then().statusCode(422);
        as("hook-admin", "admin").body("{}").post("/v1/admin/webhooks/replay").then().statusCode(422);
        // refused at the gateway (400): an unknown field, a null id, malformed JSON
        as("hook-admin", "admin").body("{\"state\":\"DEAD\",\"force\":true}").post("/v1/admin/webhooks/replay").then().statusCode(400);
        as("hook-admin", "admin").body("{\"eventIds\":[null]}").post("/v1/admin/webhooks/replay").then().statusCode(400);
        as("hook-admin", "admin").body("{\"eventIds\":[\"" + java.util.UUID.randomUUID() + "\"]}").post("/v1/admin/webhooks/replay")
                .then().statusCode(404);
        as("hook-admin", "admin").body("{\"state\":\"DEAD\"").post("/v1/admin/webhooks/replay").then().statusCode(400);
    }

    private static List<Received> awaitEvents(String decisionId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> mine = RECEIVED.stream().filter(r -> r.body().contains(decisionId)).toList();
            if (mine.size() >= count) {
                return mine;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + count + " webhook events for " + decisionId + "; received " + RECEIVED);
    }
}
