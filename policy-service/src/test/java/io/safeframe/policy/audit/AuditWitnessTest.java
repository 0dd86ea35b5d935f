package io.safeframe.policy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;

/**
 * The threat the witness closes: whoever holds policy-service's database credentials deletes the newest events
 * together with their checkpoints. The rest is a valid, signed prefix, so only the witnessed copies can tell.
 */
@QuarkusTest
class AuditWitnessTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WITNESS_DB = "jdbc:postgresql://127.0.0.1:5432/safeframe_audit_witness_test";

    @Inject
    AuditLog log;

    @Inject
    AuditVerifier verifier;

    @Inject
    AuditWitness witness;

    @Inject
    Pool pool;

    private void append(String account, int n) {
        for (int i = 0; i < n; i++) {
            log.append(AuditEntry.draft("witness-test", account, "witness.test", "t-" + i, "ALLOW", "r" + i, null, null, null))
                    .await().atMost(WAIT);
        }
    }

    private long single(String sql) {
        return pool.query(sql).execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    private void sql(String statement) {
        pool.query(statement).execute().await().atMost(WAIT);
    }

    @Test
    void deletingTheLastEventsAndTheirCheckpointsIsNamed() {
        append("witness-a", 40);
        log.checkpointNow().await().atMost(WAIT);
        long keptUpTo = single("select max(seq) from audit_event");
        append("witness-b", 25);
        log.checkpointNow().await().atMost(WAIT);
        long lastSeq = single("select max(seq) from audit_event");
        long lastCheckpoint = single("select max(checkpoint_id) from audit_checkpoint");
        assertEquals(lastSeq, single("select last_seq from audit_checkpoint where checkpoint_id = " + lastCheckpoint));
        assertTrue(witness.witnessed().await().atMost(WAIT).stream().anyMatch(c -> c.id() == lastCheckpoint),
                "the new checkpoint was copied to the witness when it was written");
        assertTrue(verifier.verify().await().atMost(WAIT).intact());

        // the cut: the last 25 events and the checkpoint covering them (as the owner of the policy database could)
        sql("create table cut_events as select * from audit_event where seq > " + keptUpTo);
        sql("create table cut_checkpoints as select * from audit_checkpoint where last_seq > " + keptUpTo);
        try {
            sql("delete from audit_event where seq > " + keptUpTo);
            sql("delete from audit_checkpoint where last_seq > " + keptUpTo);
            AuditVerifier.Report report = verifier.verify().await().atMost(WAIT);
            assertFalse(report.intact(), "a cut tail must not verify");
            assertEquals(keptUpTo + 1, report.firstBrokenSeq(), report.problem());
            assertEquals(lastCheckpoint, report.firstBrokenCheckpoint(), report.problem());
            assertTrue(report.problem().contains("events after seq " + keptUpTo + " missing: witness has checkpoint "
                    + lastCheckpoint + " covering up to seq " + lastSeq), report.problem());

            // appending on top of the cut (new events, new checkpoint) does not hide it either
            append("witness-c", 3);
            log.checkpointNow().await().atMost(WAIT);
            AuditVerifier.Report after = verifier.verify().await().atMost(WAIT);
            assertFalse(after.intact());
            assertTrue(after.problem().contains("events after seq " + keptUpTo + " missing"), after.problem());
        } finally {
            sql("delete from audit_event where seq > " + keptUpTo);
            sql("delete from audit_checkpoint where last_seq > " + keptUpTo);
            sql("insert into audit_event select * from cut_events");
            sql("insert into audit_checkpoint select * from cut_checkpoints");
            sql("drop table cut_events");
            sql("drop table cut_checkpoints");
            forgetWitnessedAfter(lastCheckpoint);
        }
        AuditVerifier.Report restored = verifier.verify().await().atMost(WAIT);
        assertTrue(restored.intact(), "the restored log matches its witness again: " + restored.problem());
    }

    /**
     * Test clean-up only: the witness remembers the checkpoint written on top of the cut. Its administrator (never
     * policy-service) can switch the append-only trigger off to remove it; the restored log is then whole again.
     */
    private static void forgetWitnessedAfter(long checkpointId) {
        try (Connection owner = DriverManager.getConnection(WITNESS_DB, "postgres", "");
                Statement st = owner.createStatement()) {
            st.execute("alter table witness_checkpoint disable trigger witness_no_update_delete");
            st.execute("delete from witness_checkpoint where checkpoint_id > " + checkpointId);
            st.execute("alter table witness_checkpoint enable trigger witness_no_update_delete");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theWitnessRefusesUpdateAndDeleteEvenToItsWriter() throws SQLException {
        log.append(AuditEntry.draft("witness-test", "witness-d", "witness.test", "t", "ALLOW", "r", null, null, null))
                .await().atMost(WAIT);
        log.checkpointNow().await().atMost(WAIT);
        // policy-service's own role there: no UPDATE or DELETE grant
        try (Connection writer = DriverManager.getConnection(WITNESS_DB, "safeframe_audit_witness_writer", "");
                Statement st = writer.createStatement()) {
            assertTrue(st.executeQuery("select count(*) from witness_checkpoint").next(), "the writer may read");
            SQLException update = assertThrows(SQLException.class, () -> st.executeUpdate("update witness_checkpoint set merkle_root = 'x'"));
            assertTrue(update.getMessage().contains("permission denied"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> st.executeUpdate("delete from witness_checkpoint"));
            assertTrue(delete.getMessage().contains("permission denied"), delete.getMessage());
        }
        // and the trigger behind the grants stops even the table's owner
        try (Connection owner = DriverManager.getConnection(WITNESS_DB, "postgres", "");
                Statement st = owner.createStatement()) {
            SQLException update = assertThrows(SQLException.class, () -> st.executeUpdate("update witness_checkpoint set merkle_root = 'x'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException truncate = assertThrows(SQLException.class, () -> st.executeUpdate("truncate witness_checkpoint"));
            assertTrue(truncate.getMessage().contains("append-only"), truncate.getMessage());
        }
    }
}
