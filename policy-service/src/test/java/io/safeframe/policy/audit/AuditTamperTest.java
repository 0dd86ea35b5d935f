package io.safeframe.policy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/** Change one byte of any stored event or checkpoint: the verifier must name it. */
@QuarkusTest
class AuditTamperTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    @Inject
    AuditVerifier verifier;

    @Inject
    AuditLog log;

    @Inject
    Pool pool;

    @Inject
    io.safeframe.policy.AuditOutboxRelay relay;

    @BeforeEach
    void fillLog() {
        long have = pool.query("select count(*) as n from audit_event where account_id like 'tamper-%'").execute().await().atMost(WAIT)
                .iterator().next().getLong("n");
        for (long i = have; i < 250; i++) {
            policy.recordAudit(AuditEvent.newBuilder().setAction("prompt.screened").setTarget("job-" + i)
                    .setDecision(i % 3 == 0 ? Decision.REVIEW : Decision.ALLOW).setReason("reason " + i)
                    .setPromptToHash("a prompt " + i).putAttributes("rule", "r" + (i % 7))
                    .setContext(RequestContext.newBuilder().setAccountId("tamper-" + (i % 5)).setCorrelationId("corr-" + i))
                    .build()).await().atMost(WAIT);
        }
        // recorded events reach the chain moments later (the outbox relay): seal them before checkpointing
        relay.sealNow().await().atMost(WAIT);
        log.checkpointNow().await().atMost(WAIT);
    }

    private void sql(String statement, Object... args) {
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(WAIT);
    }

    @Test
    void promptsAreStoredOnlyAsKeyedHashes() {
        String stored = pool.query("select string_agg(coalesce(prompt_hmac,'') || reason || attributes, '|') as all_text from audit_event")
                .execute().await().atMost(WAIT).iterator().next().getString("all_text");
        assertFalse(stored.contains("a prompt"), "no prompt text in the log");
        // this class's job-7 event carries a prompt; another test class records a job-7 event without one
        String hmac = pool.query("select prompt_hmac from audit_event where target = 'job-7' and prompt_hmac is not null").execute().await().atMost(WAIT)
                .iterator().next().getString("prompt_hmac");
        assertTrue(hmac.matches("[0-9a-f]{16}:[0-9a-f]{64}"), "KEYID:HMAC, got " + hmac);
    }

    @Test
    void intactLogVerifies() {
        AuditVerifier.Report report = verifier.verify().await().atMost(WAIT);
        assertTrue(report.intact(), report.problem());
        assertTrue(report.eventsChecked() >= 250);
        assertTrue(report.checkpointsChecked() >= 2, "checkpoint every 100 events plus the final one");
    }

    @Test
    void everyEditedEventFieldIsNamed() {
        // one changed character in each column a forger might touch, on an event inside a checkpoint (137)
        // and on the last one after it
        Map<String, String> edits = Map.of(
                "reason", "reason = overlay(reason placing 'X' from 1 for 1)",
                "actor", "actor = overlay(actor placing 'X' from 1 for 1)",
                "decision", "decision = 'BLOCK'",
                "attributes", "attributes = replace(attributes, '\"r', '\"s')",
                // the replacement differs from the stored character, whatever the HMAC starts with
                "prompt_hmac", "prompt_hmac = overlay(prompt_hmac placing (case when left(prompt_hmac, 1) = 'f' then 'e' else 'f' end) from 1 for 1)",
                "occurred_at", "occurred_at = occurred_at + interval '1 millisecond'",
                "account_id", "account_id = account_id || 'x'");
        // this test's own events carry every edited column (other tests append events without a prompt)
        List<Long> own = pool.query("select seq from audit_event where account_id like 'tamper-%' order by seq").execute()
                .await().atMost(WAIT).stream().map(r -> r.getLong("seq")).toList();
        long inside = own.get(136);
        long last = own.get(own.size() - 1);
        for (long seq : List.of(inside, last)) {
            for (Map.Entry<String, String> edit : edits.entrySet()) {
                try {
                    sql("update audit_event set " + edit.getValue() + " where seq = $1", seq);
                    AuditVerifier.Report report = verifier.verify().await().atMost(WAIT);
                    assertFalse(report.intact(), edit.getKey() + " edit went unnoticed");
                    assertEquals(seq, report.firstBrokenSeq(), edit.getKey() + ": " + report.problem());
                } finally {
                    restore(seq);
                }
            }
        }
        assertTrue(verifier.verify().await().atMost(WAIT).intact(), "restored log verifies again");
    }

    @Test
    void rehashingTheChainIsCaughtByTheSignedCheckpoint() {
        // a forger who edits event 50 and recomputes every later hash keeps the chain consistent ...
        List<AuditEntry> all = log.range(1, Long.MAX_VALUE, 100_000).await().atMost(WAIT);
        String prev = all.get(48).eventHash();
        try {
            for (AuditEntry e : all.subList(49, all.size())) {
                AuditEntry forged = new AuditEntry(e.seq(), e.occurredAt(), e.actor(), e.accountId(), e.action(), e.target(),
                        e.decision(), e.seq() == 50 ? "nothing to see" : e.reason(), e.correlationId(), e.promptHmac(),
                        e.attributes(), prev, null, e.subjects());
                String hash = AuditChain.hashOf(forged);
                sql("update audit_event set reason = $2, prev_hash = $3, event_hash = $4 where seq = $1",
                        e.seq(), forged.reason(), prev, hash);
                prev = hash;
            }
            AuditVerifier.Report report = verifier.verify().await().atMost(WAIT);
            // ... but not the Merkle root signed at checkpoint time
            assertFalse(report.intact());
            assertNull(report.firstBrokenSeq());
            assertNotNull(report.firstBrokenCheckpoint());
            assertTrue(report.problem().contains("Merkle root"), report.problem());
        } finally {
            for (AuditEntry e : all.subList(49, all.size())) {
                sql("update audit_event set reason = $2, prev_hash = $3, event_hash = $4 where seq = $1",
                        e.seq(), e.reason(), e.prevHash(), e.eventHash());
            }
        }
        assertTrue(verifier.verify().await().atMost(WAIT).intact());
    }

    @Test
    void editedCheckpointIsNamed() {
        long id = pool.query("select min(checkpoint_id) as id from audit_checkpoint").execute().await().atMost(WAIT)
                .iterator().next().getLong("id");
        for (String edit : List.of("merkle_root = overlay(merkle_root placing '0' from 5 for 1)",
                "signature = overlay(signature placing 'a' from 9 for 1)", "last_seq = last_seq - 1")) {
            String before = pool.preparedQuery("select merkle_root || '|' || signature || '|' || last_seq as v from audit_checkpoint where checkpoint_id = $1")
                    .execute(Tuple.of(id)).await().atMost(WAIT).iterator().next().getString("v");
            sql("update audit_checkpoint set " + edit + " where checkpoint_id = $1", id);
            String after = pool.preparedQuery("select merkle_root || '|' || signature || '|' || last_seq as v from audit_checkpoint where checkpoint_id = $1")
                    .execute(Tuple.of(id)).await().atMost(WAIT).iterator().next().getString("v");
            try {
                if (before.equals(after)) {
                    continue; // the edit happened to write the same character
                }
                AuditVerifier.Report report = verifier.verify().await().atMost(WAIT);
                assertFalse(report.intact(), edit);
                assertEquals(id, report.firstBrokenCheckpoint(), edit + ": " + report.problem());
            } finally {
                String[] parts = before.split("\\|");
                sql("update audit_checkpoint set merkle_root = $2, signature = $3, last_seq = $4 where checkpoint_id = $1",
                        id, parts[0], parts[1], Long.parseLong(parts[2]));
            }
        }
        assertTrue(verifier.verify().await().atMost(WAIT).intact());
    }

    private final java.util.Map<Long, AuditEntry> originals = new java.util.HashMap<>();

    private void restore(long seq) {
        AuditEntry o = originals.get(seq);
        sql("update audit_event set reason = $2, actor = $3, decision = $4, attributes = $5, prompt_hmac = $6, "
                + "occurred_at = $7, account_id = $8 where seq = $1", seq, o.reason(), o.actor(), o.decision(),
                attributesJson(o), o.promptHmac(), java.time.OffsetDateTime.ofInstant(o.occurredAt(), java.time.ZoneOffset.UTC),
                o.accountId());
    }

    @BeforeEach
    void remember() {
        log.range(1, Long.MAX_VALUE, 100_000).await().atMost(WAIT).forEach(e -> originals.put(e.seq(), e));
    }

    private static String attributesJson(AuditEntry e) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(e.attributes());
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
