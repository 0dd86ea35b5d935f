package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.ReplayWebhooksRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.api.v1.WebhookEvent;
import io.safeframe.api.v1.WebhookEventsRequest;
import io.safeframe.report.webhook.WebhookSignature;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.core.json.JsonObject;

/**
 * Webhooks to the platform (issue 26, item 6) against a real HTTP receiver in this test: events recorded with the
 * decisions of real cases, the receiver down (connections refused) while the worker retries with back-off, then up:
 * each event arrives exactly once with a valid signature. A receiver that keeps failing dead-letters the events after
 * the configured attempts; an admin replay delivers them; an appeal outcome follows.
 */
@QuarkusTest
@TestProfile(WebhookDeliveryTest.Webhooks.class)
@QuarkusTestResource(PolicyServiceProcess.class)
class WebhookDeliveryTest {

    private static final int MAX_ATTEMPTS = 6;

    /** The endpoint and a secret made for this run (never in git), with short back-off so the test is quick. */
    public static class Webhooks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.webhook.url", "http://127.0.0.1:" + receiverPort() + "/hooks",
                    "safeframe.webhook.secret", secret(), "safeframe.webhook.key-id", "test-key-1",
                    "safeframe.webhook.max-attempts", Integer.toString(MAX_ATTEMPTS),
                    "safeframe.webhook.initial-backoff", "PT0.3S", "safeframe.webhook.max-backoff", "PT1S",
                    "safeframe.webhook.timeout", "PT2S", "safeframe.webhook.poll", "0.2s");
        }
    }

    /** Shared through system properties: the profile and the test may be loaded by different class loaders. */
    static synchronized int receiverPort() {
        String port = System.getProperty("webhook-test.port");
        if (port == null) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = Integer.toString(s.getLocalPort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty("webhook-test.port", port);
        }
        return Integer.parseInt(port);
    }

    static synchronized String secret() {
        String secret = System.getProperty("webhook-test.secret");
        if (secret == null) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            secret = HexFormat.of().formatHex(key);
            System.setProperty("webhook-test.secret", secret);
        }
        return secret;
    }

    /** What the platform's endpoint saw: each request with whether its signature verified. */
    record Received(String eventId, String type, String keyId, int attempt, boolean signatureValid, JsonObject body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int answer = 204;
    private HttpServer receiver;

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @jakarta.inject.Inject
    io.safeframe.report.metrics.ModerationMetrics metrics;

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    /** A webhook gauge as the next scrape would show it. */
    private double gauge(String name) {
        metrics.refresh().await().atMost(Duration.ofSeconds(10));
        return meters.get(name).gauge().value();
    }

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
            receiver = null;
        }
    }

    private void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort()), 0);
        receiver.createContext("/hooks", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var h = exchange.getRequestHeaders();
            String id = h.getFirst(WebhookSignature.EVENT_ID);
            boolean valid = WebhookSignature.verify(secret(), h.getFirst(WebhookSignature.TIMESTAMP), id, body,
                    h.getFirst(WebhookSignature.SIGNATURE), System.currentTimeMillis() / 1000, 300);
            int status = answer;
            received.add(new Received(id, h.getFirst(WebhookSignature.EVENT_TYPE), h.getFirst(WebhookSignature.KEY_ID),
                    Integer.parseInt(h.getFirst(WebhookSignature.ATTEMPT)), valid, new JsonObject(body)));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @Test
    void eachEventArrivesExactlyOnceAfterAReceiverOutage() throws Exception {
        // the receiver is down: nothing listens on its port
        DecisionRecord removal = decide("spam_scam", "owner-" + UUID.randomUUID(), Action.REMOVE_CONTENT, 0);
        List<WebhookEvent> mine = await("the two events retried while the receiver is down", () -> eventsOf(removal.getDecisionId()),
                events -> events.size() == 2 && events.stream().allMatch(e -> e.getAttempts() >= 2 && e.getState().equals("PENDING")));
        assertTrue(mine.stream().allMatch(e -> e.getLastError().contains("Connect")), mine.toString());
        assertEquals(Set.of("decision.made", "content.removed"), mine.stream().map(WebhookEvent::getType).collect(Collectors.toSet()));
        assertTrue(gauge("safeframe.webhooks.pending") >= 2, "the backlog shows in the metrics");

        startReceiver();
        await("both delivered once the receiver is up", () -> eventsOf(removal.getDecisionId()),
                events -> events.stream().allMatch(e -> e.getState().equals("DELIVERED")));
        Thread.sleep(1500); // several more worker rounds: nothing is sent twice
        Map<String, List<Received>> byId = received.stream().collect(Collectors.groupingBy(Received::eventId));
        for (WebhookEvent e : eventsOf(removal.getDecisionId())) {
            List<Received> got = byId.getOrDefault(e.getEventId(), List.of());
            assertEquals(1, got.size(), "event " + e.getType() + " seen exactly once: " + got);
            Received r = got.get(0);
            assertTrue(r.signatureValid(), "signature verifies with the shared secret");
            assertEquals("test-key-1", r.keyId());
            assertEquals(e.getType(), r.type());
            assertEquals(e.getEventId(), r.body().getString("id"));
            assertEquals(removal.getDecisionId(), r.body().getJsonObject("data").getString("decisionId"));
            assertTrue(r.attempt() >= 3, "delivered on a retry, attempt " + r.attempt());
            assertFalse(r.body().encode().contains("mod-w"), "the moderator is never named to the platform");
        }
        JsonObject decision = byId.values().stream().flatMap(List::stream).filter(r -> r.type().equals("decision.made")).findFirst()
                .orElseThrow().body().getJsonObject("data");
        assertEquals("REMOVE_CONTENT", decision.getString("action"));
        assertEquals("spam_scam", decision.getString("category"));

        // what the receiver must refuse: another secret, a changed body, an old timestamp
        Received one = byId.values().iterator().next().get(0);
        long now = System.currentTimeMillis() / 1000;
        String body = one.body().encode();
        String signature = WebhookSignature.sign(secret(), now, one.eventId(), body);
        assertTrue(WebhookSignature.verify(secret(), Long.toString(now), one.eventId(), body, signature, now, 300));
        assertFalse(WebhookSignature.verify("another-secret-another-secret-xx", Long.toString(now), one.eventId(), body, signature, now, 300));
        String changed = body.replace("\"data\":{", "\"data\":{\"extra\":1,");
        org.junit.jupiter.api.Assertions.assertNotEquals(body, changed);
        assertFalse(WebhookSignature.verify(secret(), Long.toString(now), one.eventId(), changed, signature, now, 300));
        assertFalse(WebhookSignature.verify(secret(), Long.toString(now), UUID.randomUUID().toString(), body, signature, now, 300));
        assertFalse(WebhookSignature.verify(secret(), Long.toString(now), one.eventId(), body, signature, now + 600, 300));
        assertFalse(WebhookSignature.verify(secret(), "yesterday", one.eventId(), body, signature, now, 300));
    }

    @Test
    void aFailingReceiverDeadLettersAfterMaxAttemptsAndAReplayDelivers() throws Exception {
        answer = 503;
        startReceiver();
        String owner = "owner-" + UUID.randomUUID();
        DecisionRecord suspension = decide("hate_harassment", owner, Action.SUSPEND_ACCOUNT, 86_400);
        List<WebhookEvent> dead = await("dead-lettered after " + MAX_ATTEMPTS + " attempts", () -> eventsOf(suspension.getDecisionId()),
                events -> events.size() == 2 && events.stream().allMatch(e -> e.getState().equals("DEAD")));
        for (WebhookEvent e : dead) {
            assertEquals(MAX_ATTEMPTS, e.getAttempts());
            assertEquals("HTTP 503", e.getLastError());
            assertEquals(java.util.stream.IntStream.rangeClosed(1, MAX_ATTEMPTS).boxed().toList(), received.stream().filter(r -> r.eventId().equals(e.getEventId())).map(Received::attempt).toList(),
                    "every attempt reached the receiver, numbered, and none after the last");
        }
        assertTrue(gauge("safeframe.webhooks.dead") >= 2, "the dead letters show in the metrics (alert SafeframeWebhooksDeadLettered)");
        assertTrue(reports.listWebhookEvents(WebhookEventsRequest.newBuilder().setState("DEAD").build()).getEventsList().stream()
                .map(WebhookEvent::getEventId).collect(Collectors.toSet()).containsAll(dead.stream().map(WebhookEvent::getEventId).toList()));

        // the platform is fixed; an admin replays what was dead-lettered
        answer = 200;
        received.clear();
        List<WebhookEvent> replayed = reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder().setContext(Fixtures.actor("admin-1"))
                .setState("DEAD").build()).getEventsList();
        assertTrue(replayed.stream().allMatch(e -> e.getState().equals("PENDING") && e.getReplays() == 1), replayed.toString());
        await("replayed events delivered", () -> eventsOf(suspension.getDecisionId()),
                events -> events.stream().allMatch(e -> e.getState().equals("DELIVERED") && e.getReplays() == 1));
        Thread.sleep(1000);
        assertEquals(0.0, gauge("safeframe.webhooks.dead"), "nothing dead-lettered once replayed and delivered");
        for (WebhookEvent e : dead) {
            List<Received> got = received.stream().filter(r -> r.eventId().equals(e.getEventId())).toList();
            assertEquals(1, got.size(), "replayed " + e.getType() + " arrives once: " + got);
            assertTrue(got.get(0).signatureValid());
            assertEquals(e.getPayloadJson(), got.get(0).body().encode(), "a replay sends the same body under the same id");
        }
        JsonObject sanction = received.stream().filter(r -> r.type().equals("account.sanctioned")).findFirst().orElseThrow().body()
                .getJsonObject("data");
        assertEquals(owner, sanction.getString("account"));
        assertEquals("SUSPEND", sanction.getString("kind"));
        assertEquals(86_400, sanction.getLong("durationSeconds"));

        // a replay of one delivered event by id sends it once more (the platform deduplicates by id)
        String oneId = dead.get(0).getEventId();
        received.clear();
        reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder().setContext(Fixtures.actor("admin-1")).addEventIds(oneId).build());
        await("one event replayed by id", () -> received.stream().filter(r -> r.eventId().equals(oneId)).toList(), got -> got.size() == 1);

        // the appeal outcome: reversed, so the suspension is lifted; both reach the platform
        String appealId = reports.appeal(AppealRequest.newBuilder().setContext(Fixtures.actor(owner))
                .setDecisionId(suspension.getDecisionId()).setExplanation("That was satire, not harassment.").build()).getAppealId();
        reports.resolveAppeal(ResolveAppealRequest.newBuilder().setContext(Fixtures.actor("mod-r")).setAppealId(appealId).setReverse(true)
                .setReason("Satire of a public statement; no target.").build());
        List<Received> outcome = await("appeal.resolved and sanction.lifted delivered",
                () -> received.stream().filter(r -> r.body().getJsonObject("data").getString("decisionId", "").equals(suspension.getDecisionId())
                        && (r.type().equals("appeal.resolved") || r.type().equals("sanction.lifted"))).toList(),
                got -> got.size() == 2);
        JsonObject resolved = outcome.stream().filter(r -> r.type().equals("appeal.resolved")).findFirst().orElseThrow().body()
                .getJsonObject("data");
        assertEquals("REVERSED", resolved.getString("outcome"));
        assertEquals(appealId, resolved.getString("appealId"));
        assertTrue(resolved.getJsonArray("effects").contains("sanction.lifted"));
    }

    @Test
    void badAdminRequestsAreRefused() {
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.listWebhookEvents(WebhookEventsRequest.newBuilder().setState("LOST").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.listWebhookEvents(WebhookEventsRequest.newBuilder().setLimit(100_000).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder().build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder()
                .setState("DEAD").addEventIds(UUID.randomUUID().toString()).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder().setState("PENDING").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder().addEventIds("not-a-uuid").build()));
        assertRefused(Status.Code.NOT_FOUND, () -> reports.replayWebhookEvents(ReplayWebhooksRequest.newBuilder()
                .setContext(Fixtures.actor("admin-1")).addEventIds(UUID.randomUUID().toString()).build()));
    }

    private DecisionRecord decide(String category, String owner, Action action, long suspensionSeconds) {
        String video = "video-" + UUID.randomUUID();
        reports.fileReport(Fixtures.report("rep-" + UUID.randomUUID(), Fixtures.content(video, owner), category).build());
        CaseDetail claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-w")).setQueue(category).build());
        assertEquals(video, claimed.getTarget().getId());
        return reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-w")).setCaseId(claimed.getRef().getCaseId())
                .setAction(action).setSuspensionSeconds(suspensionSeconds).setCaseVersion(claimed.getRef().getVersion())
                .setStatement(StatementOfReasons.newBuilder().setFacts("The video advertises a fake giveaway.")
                        .setGround("Terms of Service §6: scams")).build());
    }

    /** The events of one decision (their bodies name it), oldest first. */
    private List<WebhookEvent> eventsOf(String decisionId) {
        return reports.listWebhookEvents(WebhookEventsRequest.newBuilder().setLimit(500).build()).getEventsList().stream()
                .filter(e -> new JsonObject(e.getPayloadJson()).getJsonObject("data").getString("decisionId", "").equals(decisionId))
                .toList();
    }

    private static <T> T await(String what, java.util.function.Supplier<T> probe, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what + "; last seen " + last);
            }
            Thread.sleep(100);
            last = probe.get();
        }
        return last;
    }

    private static void assertRefused(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }
}
