package io.safeframe.policy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.safeframe.keyring.KeyRing;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuditLine;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.VerifyAuditRequest;
import jakarta.inject.Inject;

/** Export over gRPC, then verify offline with the public key only; concurrent appends keep one chain. */
@QuarkusTest
class AuditExportCheckTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    AuditLog log;

    private List<String> export() {
        List<String> lines = new ArrayList<>();
        policy.exportAudit(ExportAuditRequest.newBuilder().build()).map(AuditLine::getJson).collect().asList()
                .await().atMost(WAIT).forEach(lines::add);
        return lines;
    }

    @Test
    void concurrentAppendsExportAndVerifyOffline() throws Exception {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            calls.add(policy.recordAudit(AuditEvent.newBuilder().setAction("export.test").setDecision(Decision.ALLOW)
                    .setReason("event " + i).setContext(RequestContext.newBuilder().setAccountId("export-" + (i % 7)))
                    .build()).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get();
        log.checkpointNow().await().atMost(WAIT);
        assertTrue(policy.verifyAudit(VerifyAuditRequest.newBuilder().build()).await().atMost(WAIT).getIntact(),
                "600 concurrent appends, batched, still form one unbroken chain");

        // every version in the key directory: another test rotates the audit key
        KeyRing<PublicKey> key = AuditExportCheck.readKeys(Path.of("target/test-keys"));
        List<String> lines = export();
        AuditVerifier.Report intact = AuditExportCheck.check(lines, key);
        assertTrue(intact.intact(), intact.problem());
        // appends are group-committed, so a checkpoint lands at the first batch that crosses each multiple of 100
        assertTrue(intact.checkpointsChecked() >= 2, "checkpoints inside the export: " + intact.checkpointsChecked());

        List<String> edited = new ArrayList<>(lines);
        int at = 42;
        edited.set(at, edited.get(at).replaceFirst("\"reason\":\"", "\"reason\":\"X"));
        AuditVerifier.Report broken = AuditExportCheck.check(edited, key);
        assertFalse(broken.intact());
        assertEquals(at + 1L, broken.firstBrokenSeq(), broken.problem());

        List<String> forged = new ArrayList<>(lines);
        int last = forged.size() - 1;
        String checkpoint = forged.get(last);
        assertTrue(checkpoint.contains("\"type\":\"checkpoint\""));
        int sig = checkpoint.indexOf("\"signature\":\"") + 13;
        char flipped = checkpoint.charAt(sig) == '0' ? '1' : '0';
        forged.set(last, checkpoint.substring(0, sig) + flipped + checkpoint.substring(sig + 1));
        AuditVerifier.Report badSignature = AuditExportCheck.check(forged, key);
        assertFalse(badSignature.intact());
        assertTrue(badSignature.problem().contains("invalid signature"), badSignature.problem());
    }
}
