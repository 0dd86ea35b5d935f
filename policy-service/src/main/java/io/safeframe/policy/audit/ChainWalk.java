package io.safeframe.policy.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.security.PublicKey;

import io.safeframe.keyring.KeyRing;

/**
 * The verification itself, with no I/O: walks events in order (recomputing each hash and its link to the
 * previous one), then checks every checkpoint whose range it has seen (Merkle root and signature). Used by the
 * service over its database and by the offline CLI over an exported JSON Lines file.
 */
public final class ChainWalk {

    private final long firstSeq;
    private long nextSeq;
    private String prevHash;
    private final List<String> hashes = new ArrayList<>();
    private AuditVerifier.Report broken;

    /** A walk from the start of the log. */
    public ChainWalk() {
        this(1, AuditChain.GENESIS);
    }

    /** A walk over a range: its first event must point to {@code prevHash} (taken on trust from the export). */
    public ChainWalk(long firstSeq, String prevHash) {
        this.firstSeq = firstSeq;
        this.nextSeq = firstSeq;
        this.prevHash = prevHash;
    }

    public long nextSeq() {
        return nextSeq;
    }

    /** Checks one event; false once something is broken (see {@link #broken()}). */
    public boolean check(AuditEntry e) {
        if (broken != null) {
            return false;
        }
        if (e.seq() != nextSeq) {
            broken = fail(nextSeq, null, "event " + nextSeq + " is missing (next stored event is " + e.seq() + ")");
        } else if (!e.prevHash().equals(prevHash)) {
            broken = fail(e.seq(), null, "event " + e.seq() + " does not point to the hash of event " + (e.seq() - 1));
        } else if (!AuditChain.hashOf(e).equals(e.eventHash())) {
            broken = fail(e.seq(), null, "event " + e.seq() + " was altered: its content no longer matches its hash");
        } else {
            hashes.add(e.eventHash());
            prevHash = e.eventHash();
            nextSeq++;
        }
        return broken == null;
    }

    public AuditVerifier.Report broken() {
        return broken;
    }

    /**
     * Checks the checkpoints after the events; checkpoints reaching outside the walked range are skipped (an
     * export of part of the log cannot prove them). Each checkpoint's signature is checked with the ring version its
     * key id names, and each chained checkpoint must sign the hash of the one before it (the first of a whole log:
     * {@link AuditChain#GENESIS}, or the last legacy unchained one).
     */
    public AuditVerifier.Report finish(List<AuditLog.Checkpoint> checkpoints, KeyRing<PublicKey> keys) {
        if (broken != null) {
            return broken;
        }
        int n = 0;
        long expectedFirst = firstSeq == 1 ? 1 : -1;
        // the hash the next checkpoint must sign; null = unknown (the start of a partial export)
        String expectedPrev = firstSeq == 1 ? AuditChain.GENESIS : null;
        boolean chained = false;
        for (AuditLog.Checkpoint c : checkpoints) {
            if (c.firstSeq() < firstSeq || c.lastSeq() >= nextSeq) {
                continue;
            }
            if ((expectedFirst > 0 && c.firstSeq() != expectedFirst) || c.lastSeq() < c.firstSeq()) {
                return fail(null, c.id(), "checkpoint " + c.id() + " covers events " + c.firstSeq() + ".." + c.lastSeq()
                        + " which do not follow the previous checkpoint", n);
            }
            String root = AuditChain.merkleRoot(hashes.subList((int) (c.firstSeq() - firstSeq), (int) (c.lastSeq() - firstSeq + 1)));
            if (!root.equals(c.merkleRoot())) {
                return fail(null, c.id(), "checkpoint " + c.id() + ": the events " + c.firstSeq() + ".." + c.lastSeq()
                        + " no longer hash to its Merkle root", n);
            }
            if (c.prevHash() == null && chained) {
                return fail(null, c.id(), "checkpoint " + c.id() + " is unchained (legacy form) after chained checkpoints", n);
            }
            if (c.prevHash() != null && expectedPrev != null && !c.prevHash().equals(expectedPrev)) {
                return fail(null, c.id(), "checkpoint " + c.id() + " does not sign the hash of the checkpoint before it"
                        + " (a checkpoint was removed, replaced or reordered)", n);
            }
            Optional<KeyRing.Version<PublicKey>> key = keys.byId(c.keyId());
            if (key.isEmpty()) {
                return fail(null, c.id(), "checkpoint " + c.id() + " is signed by key " + c.keyId()
                        + ", which is not in the key ring " + keys.ids(), n);
            }
            if (!AuditExportCheck.verify(key.get().key(), c.statement(), c.signature())) {
                return fail(null, c.id(), "checkpoint " + c.id() + " has an invalid signature (key " + c.keyId() + ")", n);
            }
            chained |= c.prevHash() != null;
            expectedPrev = c.hash();
            expectedFirst = c.lastSeq() + 1;
            n++;
        }
        if (firstSeq == 1) {
            // a checkpoint claiming events past the end, or a missing tail, shows up as a range that does not exist
            for (AuditLog.Checkpoint c : checkpoints) {
                if (c.lastSeq() >= nextSeq) {
                    return fail(null, c.id(), "checkpoint " + c.id() + " covers events " + c.firstSeq() + ".." + c.lastSeq()
                            + " which do not follow the previous checkpoint or do not exist", n);
                }
            }
        }
        return new AuditVerifier.Report(true, hashes.size(), n, null, null, null);
    }

    /** The seq of the last event walked (0 when none). */
    public long lastSeq() {
        return nextSeq - 1;
    }

    private AuditVerifier.Report fail(Long seq, Long checkpoint, String problem) {
        return new AuditVerifier.Report(false, hashes.size(), 0, seq, checkpoint, problem);
    }

    private AuditVerifier.Report fail(Long seq, Long checkpoint, String problem, int checkpointsChecked) {
        return new AuditVerifier.Report(false, hashes.size(), checkpointsChecked, seq, checkpoint, problem);
    }
}
