package io.safeframe.policy.audit;

import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.safeframe.keyring.KeyRing;

/**
 * Compares the database's checkpoints with the witness's copies, with no I/O. Every witnessed checkpoint must be
 * in the database, unchanged; the first one that is not is named, and a missing one names the cut: "events after
 * seq N missing: witness has checkpoint K covering up to seq M". Checkpoints the witness has not copied yet are
 * not an error (they are copied right after they are written). A witnessed copy is itself checked against its
 * signature first, so a row slipped into the witness cannot pass for a database deletion.
 */
public final class WitnessCheck {

    private WitnessCheck() {
    }

    /** Null when every witnessed checkpoint is in the database as witnessed; otherwise the first difference. */
    public static AuditVerifier.Report compare(AuditVerifier.Report walked, List<AuditLog.Checkpoint> db,
            List<AuditLog.Checkpoint> witnessed, long lastSeqInDb, KeyRing<PublicKey> keys) {
        Map<Long, AuditLog.Checkpoint> byId = new HashMap<>();
        db.forEach(c -> byId.put(c.id(), c));
        AuditLog.Checkpoint newestWitnessed = witnessed.isEmpty() ? null : witnessed.get(witnessed.size() - 1);
        for (AuditLog.Checkpoint w : witnessed) {
            Optional<KeyRing.Version<PublicKey>> key = keys.byId(w.keyId());
            if (key.isEmpty() || !AuditExportCheck.verify(key.get().key(), w.statement(), w.signature())) {
                return fail(walked, null, w.id(), "the witness holds checkpoint " + w.id() + " with a signature that does not verify"
                        + " (key " + w.keyId() + "): the witness itself was written to by someone without the audit key");
            }
            AuditLog.Checkpoint d = byId.get(w.id());
            if (d == null) {
                long cut = Math.min(lastSeqInDb, w.firstSeq() - 1);
                return fail(walked, cut + 1, w.id(), "audit log cut: events after seq " + cut + " missing: witness has checkpoint "
                        + newestWitnessed.id() + " covering up to seq " + newestWitnessed.lastSeq() + " (checkpoint " + w.id()
                        + ", events " + w.firstSeq() + ".." + w.lastSeq() + ", is not in the database)");
            }
            if (d.firstSeq() != w.firstSeq() || d.lastSeq() != w.lastSeq() || !d.merkleRoot().equals(w.merkleRoot())
                    || !d.keyId().equals(w.keyId()) || !d.signature().equals(w.signature())
                    || !java.util.Objects.equals(d.prevHash(), w.prevHash())) {
                return fail(walked, w.firstSeq(), w.id(), "checkpoint " + w.id() + " differs from its witnessed copy (witness: events "
                        + w.firstSeq() + ".." + w.lastSeq() + ", root " + w.merkleRoot() + "; database: events " + d.firstSeq() + ".."
                        + d.lastSeq() + ", root " + d.merkleRoot() + "): the log was rewritten after it was witnessed");
            }
        }
        return null;
    }

    private static AuditVerifier.Report fail(AuditVerifier.Report walked, Long seq, long checkpoint, String problem) {
        return new AuditVerifier.Report(false, walked.eventsChecked(), walked.checkpointsChecked(), seq, checkpoint, problem);
    }
}
