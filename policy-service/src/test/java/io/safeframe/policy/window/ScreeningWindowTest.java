package io.safeframe.policy.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.PolicyServiceGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreeningWindowRequest;
import io.safeframe.api.v1.WindowedScreening;
import io.safeframe.testing.IdentityChannels;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The retained window of recent screenings through policy-service's real gRPC edge and database: a screened prompt
 * is kept encrypted (the plaintext is nowhere in the row), read back decrypted with the decision of the time, left out
 * when its row is moved to another job (the target is the cipher's associated data), deleted by the purge once older
 * than the retention, and readable by the gateway only.
 */
@QuarkusTest
class ScreeningWindowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int TLS_PORT = 9481;

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    Pool pool;

    @Inject
    ScreeningWindow window;

    private void screened(String job, String prompt, Decision decision, String rule) {
        policy.recordAudit(AuditEvent.newBuilder().setContext(RequestContext.newBuilder().setActor("acct-window").setAccountId("acct-window")
                .setCorrelationId("corr-" + job)).setAction("prompt.screened").setTarget(job).setDecision(decision).setPromptToHash(prompt)
                .putAttributes("rule", rule).putAttributes("policy_version", "p-window").build()).await().atMost(WAIT);
    }

    private List<WindowedScreening> mine(String... jobs) {
        List<String> wanted = List.of(jobs);
        return policy.listScreeningWindow(ScreeningWindowRequest.newBuilder().setHours(1).build()).await().atMost(WAIT)
                .getScreeningsList().stream().filter(s -> wanted.contains(s.getTarget())).toList();
    }

    private List<WindowedScreening> awaitMine(int count, String... jobs) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<WindowedScreening> found = mine(jobs);
        while (found.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
            found = mine(jobs);
        }
        return found;
    }

    private Row row(String job) {
        return pool.preparedQuery("select * from screening_window where target = $1").execute(Tuple.of(job)).await().atMost(WAIT).iterator().next();
    }

    @Test
    void aScreenedPromptIsKeptEncryptedReadBackAndPurgedAfterTheRetention() throws InterruptedException {
        String held = "job-" + UUID.randomUUID();
        String allowed = "job-" + UUID.randomUUID();
        String heldPrompt = "a knight fighting a dragon, window test " + held;
        screened(held, heldPrompt, Decision.REVIEW, "encoder:violence_gore");
        screened(allowed, "a quiet lake at dawn " + allowed, Decision.ALLOW, "");
        // an audit event that is not a screening is not kept
        policy.recordAudit(AuditEvent.newBuilder().setContext(RequestContext.newBuilder().setActor("acct-window")).setAction("case.decided")
                .setTarget("job-other-" + held).setPromptToHash("not a screening").build()).await().atMost(WAIT);

        List<WindowedScreening> kept = awaitMine(2, held, allowed);
        assertEquals(2, kept.size(), kept.toString());
        WindowedScreening first = kept.stream().filter(s -> s.getTarget().equals(held)).findFirst().orElseThrow();
        assertEquals(heldPrompt, first.getText());
        assertEquals(Decision.REVIEW, first.getDecision());
        assertEquals("encoder:violence_gore", first.getRuleId());
        assertEquals("p-window", first.getPolicyVersion());
        assertEquals(0L, pool.preparedQuery("select count(*) from screening_window where target = $1").execute(Tuple.of("job-other-" + held))
                .await().atMost(WAIT).iterator().next().getLong(0));

        // at rest: neither the prompt nor a distinctive word of it is in the row
        Row stored = row(held);
        String ciphertext = new String(stored.getBuffer("ciphertext").getBytes(), StandardCharsets.ISO_8859_1);
        assertFalse(ciphertext.contains("dragon"), "the prompt is stored in clear");
        assertEquals(12, stored.getBuffer("nonce").length());

        // moved to another job: fails authentication and is left out, the other row still reads
        pool.preparedQuery("update screening_window set target = $1 where target = $2").execute(Tuple.of(allowed + "-moved", allowed))
                .await().atMost(WAIT);
        pool.preparedQuery("update screening_window set ciphertext = $1 where target = $2")
                .execute(Tuple.of(stored.getBuffer("ciphertext").getDelegate(), allowed + "-moved")).await().atMost(WAIT);
        assertTrue(mine(allowed + "-moved").isEmpty(), "a row moved to another target must not decrypt");
        assertEquals(1, mine(held).size());

        // older than the retention: gone
        int purged = window.purge(Instant.now().plus(window.retention()).plusSeconds(60)).await().atMost(WAIT);
        assertTrue(purged >= 2, "purged " + purged);
        assertTrue(mine(held, allowed + "-moved").isEmpty());
    }

    @Test
    void onlyTheGatewayMayReadTheWindow() {
        ManagedChannel channel = IdentityChannels.as("provenance-service", TLS_PORT);
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> PolicyServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .listScreeningWindow(ScreeningWindowRequest.newBuilder().setContext(RequestContext.newBuilder().setActor("provenance-service")
                            .setCorrelationId("corr-window-refused")).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        } finally {
            channel.shutdownNow();
        }
        StatusRuntimeException negative = assertThrows(StatusRuntimeException.class,
                () -> policy.listScreeningWindow(ScreeningWindowRequest.newBuilder().setHours(-1).build()).await().atMost(WAIT));
        assertEquals(Status.Code.INVALID_ARGUMENT, negative.getStatus().getCode());
    }
}
