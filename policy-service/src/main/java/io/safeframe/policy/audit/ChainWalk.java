package io.safeframe.policy.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

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
     * export of part of the log cannot prove them). {@code signatureValid} gets the signed statement and the
     * signature in hex.
     */
    public AuditVerifier.Report finish(List<AuditLog.Checkpoint> checkpoints, BiPredicate<byte[], String> signatureValid) {
        if (broken != null) {
            return broken;
        }
        int n = 0;
        long expectedFirst = firstSeq == 1 ? 1 : -1;
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
            if (!signatureValid.test(AuditChain.checkpointStatement(c.firstSeq(), c.lastSeq(), c.merkleRoot()), c.signature())) {
                return fail(null, c.id(), "checkpoint " + c.id() + " has an invalid signature (key " + c.keyId() + ")", n);
            }
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

    private AuditVerifier.Report fail(Long seq, Long checkpoint, String problem) {
        return new AuditVerifier.Report(false, hashes.size(), 0, seq, checkpoint, problem);
    }

    private AuditVerifier.Report fail(Long seq, Long checkpoint, String problem, int checkpointsChecked) {
        return new AuditVerifier.Report(false, hashes.size(), checkpointsChecked, seq, checkpoint, problem);
    }
}
