package io.safeframe.policy.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuditLine;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EraseAccountRequest;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.VerifyAuditRequest;
import io.safeframe.keyring.KeyRing;
import io.safeframe.policy.audit.AuditExportCheck;
import io.safeframe.policy.audit.AuditLog;
import io.safeframe.policy.audit.AuditVerifier;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * EraseAccount over gRPC with PostgreSQL: the account's rows are gone, its audit events stay with commitments in place
 * of its name, the chain verifies online and offline (export), another account is untouched, a second call erases
 * nothing, and putting the name back next to its commitment is caught as tampering.
 */
@QuarkusTest
class AccountErasureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    Pool pool;

    @Inject
    AuditLog log;

    private void activity(String account, String run) {
        RequestContext ctx = RequestContext.newBuilder().setAccountId(account).setActor(account).setCorrelationId("erase-" + run).build();
        policy.authorize(AuthorizeRequest.newBuilder().setContext(ctx).setAction("generation").setVideoSeconds(2).setIdempotencyKey("k-" + account).build())
                .await().atMost(WAIT);
        policy.recordAudit(AuditEvent.newBuilder().setContext(ctx).setAction("prompt.screened").setTarget("job-" + UUID.randomUUID())
                .setDecision(Decision.BLOCK).setPromptToHash("a secret prompt " + run).putAttributes("rule", "r1")
                .putAttributes("policy_version", "p1").build()).await().atMost(WAIT);
    }

    private long count(String sql, String account) {
        return pool.preparedQuery(sql).execute(Tuple.of(account)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private long rowsNaming(String account) {
        return count("""
                select (select count(*) from account where account_id = $1) + (select count(*) from reservation where account_id = $1)
                     + (select count(*) from quota_day where account_id = $1) + (select count(*) from screening_window where account_id = $1)
                     + (select count(*) from usage_signal where account_id = $1)
                     + (select count(*) from audit_event where account_id = $1 or actor = $1)""", account);
    }

    private boolean intact() {
        return policy.verifyAudit(VerifyAuditRequest.newBuilder().build()).await().atMost(WAIT).getIntact();
    }

    private ErasureResult erase(String account) {
        return policy.eraseAccount(EraseAccountRequest.newBuilder().setAccountId(account)
                .setContext(RequestContext.newBuilder().setActor("account-holder")).build()).await().atMost(WAIT);
    }

    @Test
    void erasedAccountLeavesNoRowAndTheChainStillVerifies() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gone = "erase-me-" + run;
        String stays = "keep-me-" + run;
        activity(gone, run);
        activity(stays, run);
        // the window row is written after the audit call returns
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (count("select count(*) from screening_window where account_id = $1", gone) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long events = count("select count(*) from audit_event where account_id = $1", gone);
        assertTrue(rowsNaming(gone) > 3 && events >= 2, "the account is in the tables before: " + rowsNaming(gone));

        ErasureResult result = erase(gone);
        assertEquals("policy-service", result.getService());
        assertTrue(result.getErasedList().stream().anyMatch(e -> e.getWhat().equals("screening_window") && e.getCount() == 1),
                result.toString());
        assertTrue(result.getKeptList().stream().anyMatch(k -> k.getWhat().startsWith("audit events")), result.toString());
        assertEquals(0, rowsNaming(gone), "rows still naming the erased account");
        assertEquals(events, count("select count(*) from audit_event where correlation_id = 'erase-' || $1 and account_id is null"
                + " and account_commit is not null and account_salt is null", run), "its events stay, with commitments");
        assertTrue(rowsNaming(stays) > 3, "the other account is untouched");
        assertTrue(intact(), "the chain verifies after the erasure");

        log.checkpointNow().await().atMost(WAIT);
        List<String> lines = policy.exportAudit(ExportAuditRequest.newBuilder().build()).map(AuditLine::getJson).collect().asList()
                .await().atMost(WAIT);
        assertFalse(String.join("\n", lines).contains(gone), "the export names the erased account");
        KeyRing<PublicKey> keys = AuditExportCheck.readKeys(Path.of("target/test-keys"));
        AuditVerifier.Report offline = AuditExportCheck.check(lines, keys);
        assertTrue(offline.intact(), offline.problem());

        assertEquals(0, erase(gone).getErasedCount(), "a second erasure finds nothing");

        // the name written back next to its commitment does not pass
        long seq = count("select min(seq) from audit_event where correlation_id = 'erase-' || $1 and account_id is null", run);
        pool.preparedQuery("update audit_event set account_id = $1 where seq = $2").execute(Tuple.of(gone, seq)).await().atMost(WAIT);
        try {
            AuditVerifier.Report report = AuditExportCheck.check(policy.exportAudit(ExportAuditRequest.newBuilder().build())
                    .map(AuditLine::getJson).collect().asList().await().atMost(WAIT), keys);
            assertFalse(report.intact());
            assertEquals(seq, report.firstBrokenSeq());
            assertFalse(intact());
        } finally {
            pool.preparedQuery("update audit_event set account_id = null where seq = $1").execute(Tuple.of(seq)).await().atMost(WAIT);
        }
        assertTrue(intact());
    }
}
