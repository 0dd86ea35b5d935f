package io.safeframe.policy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.AuditLine;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.keyring.KeyRing;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Rotation as `./safeframe rotate-key audit|hmac` does it (AuditKeyFiles.rotate*, the files KeyRotation writes),
 * then the service re-reading its key directory as it does on restart.
 */
@QuarkusTest
class AuditKeyRotationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    AuditLog log;

    @Inject
    AuditKeys keys;

    @Inject
    AuditVerifier verifier;

    @Inject
    Pool pool;

    @Inject
    io.safeframe.policy.AuditOutboxRelay relay;

    private String record(String prompt, String target) {
        policy.recordAudit(AuditEvent.newBuilder().setAction("rotation.test").setTarget(target).setDecision(Decision.ALLOW)
                .setPromptToHash(prompt).setContext(RequestContext.newBuilder().setAccountId("rotation")).build()).await().atMost(WAIT);
        // recorded events reach the chain moments later (the outbox relay); seal them before reading the table
        relay.sealNow().await().atMost(WAIT);
        return pool.preparedQuery("select prompt_hmac from audit_event where target = $1").execute(Tuple.of(target))
                .await().atMost(WAIT).iterator().next().getString("prompt_hmac");
    }

    private Set<String> checkpointKeyIds() {
        return pool.query("select key_id from audit_checkpoint").execute().await().atMost(WAIT).stream()
                .map(r -> r.getString("key_id")).collect(Collectors.toSet());
    }

    @Test
    void afterAnAuditKeyRotationOldAndNewCheckpointsVerify() throws Exception {
        record("before rotation", "rot-a");
        log.checkpointNow().await().atMost(WAIT);
        String oldKey = keys.keyId();
        assertTrue(checkpointKeyIds().contains(oldKey));

        String newKey = AuditKeyFiles.rotateSigning(keys.dir());
        keys.reload();
        assertEquals(newKey, keys.keyId(), "the newest version signs");
        assertNotEquals(oldKey, newKey);
        record("after rotation", "rot-b");
        log.checkpointNow().await().atMost(WAIT);
        assertTrue(checkpointKeyIds().containsAll(Set.of(oldKey, newKey)), "checkpoints under both keys: " + checkpointKeyIds());

        AuditVerifier.Report report = verifier.verify().await().atMost(WAIT);
        assertTrue(report.intact(), report.problem());

        // offline: the key directory (every .pub) verifies the whole export; the old key alone names the new one
        List<String> lines = new ArrayList<>();
        policy.exportAudit(ExportAuditRequest.newBuilder().build()).map(AuditLine::getJson).collect().asList()
                .await().atMost(WAIT).forEach(lines::add);
        AuditVerifier.Report offline = AuditExportCheck.check(lines, AuditExportCheck.readKeys(keys.dir()));
        assertTrue(offline.intact(), offline.problem());
        KeyRing<PublicKey> ring = AuditKeyFiles.publicRing(keys.dir());
        PublicKey old = ring.byId(oldKey).orElseThrow().key();
        AuditVerifier.Report oldOnly = AuditExportCheck.check(lines, old);
        assertFalse(oldOnly.intact());
        assertTrue(oldOnly.problem().contains("signed by key " + newKey), oldOnly.problem());
    }

    @Test
    void afterAnHmacRotationOldValuesStillMatchTheirPrompt() throws Exception {
        String before = record("the same prompt", "hmac-a");
        String oldId = before.substring(0, before.indexOf(':'));
        AuditKeyFiles.rotateHmac(keys.dir());
        keys.reload();
        String after = record("the same prompt", "hmac-b");
        String newId = after.substring(0, after.indexOf(':'));

        assertNotEquals(oldId, newId, "the value names the key that made it");
        assertNotEquals(before, after);
        assertTrue(keys.promptMatches("the same prompt", before), "an old value is checked with the key it names");
        assertTrue(keys.promptMatches("the same prompt", after));
        assertFalse(keys.promptMatches("another prompt", before));
        // a lookup for the prompt finds the records made under either key
        assertTrue(keys.promptHmacs("the same prompt").containsAll(List.of(before, after)));
        // values from before key ids were recorded (bare hex) still match under the version that made them
        assertTrue(keys.promptMatches("the same prompt", before.substring(before.indexOf(':') + 1)));
        // a value naming a key that is not in the ring never matches
        assertFalse(keys.promptMatches("the same prompt", "0000000000000000" + before.substring(before.indexOf(':'))));
    }
}
