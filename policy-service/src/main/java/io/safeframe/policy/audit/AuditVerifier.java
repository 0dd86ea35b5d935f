package io.safeframe.policy.audit;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recomputes the whole chain and every checkpoint, and names the first thing that does not add up.
 * Editing an event breaks its own hash; re-hashing the rest of the chain to hide that breaks the signed
 * Merkle root of its checkpoint; forging a checkpoint needs the Ed25519 key.
 */
@ApplicationScoped
public class AuditVerifier {

    private static final int PAGE = 2000;

    private final AuditLog log;
    private final AuditKeys keys;

    public AuditVerifier(AuditLog log, AuditKeys keys) {
        this.log = log;
        this.keys = keys;
    }

    public record Report(boolean intact, long eventsChecked, int checkpointsChecked, Long firstBrokenSeq,
            Long firstBrokenCheckpoint, String problem) {
    }

    /** Where the walk over the chain stands between pages. */
    private static final class Walk {
        long nextSeq;
        String prevHash;
        long checked;
        final List<String> hashes = new ArrayList<>();
        Report broken;

        Walk(long nextSeq, String prevHash) {
            this.nextSeq = nextSeq;
            this.prevHash = prevHash;
        }

        void check(AuditEntry e) {
            if (e.seq() != nextSeq) {
                broken = new Report(false, checked, 0, nextSeq, null,
                        "event " + nextSeq + " is missing (next stored event is " + e.seq() + ")");
            } else if (!e.prevHash().equals(prevHash)) {
                broken = new Report(false, checked, 0, e.seq(), null,
                        "event " + e.seq() + " does not point to the hash of event " + (e.seq() - 1));
            } else if (!AuditChain.hashOf(e).equals(e.eventHash())) {
                broken = new Report(false, checked, 0, e.seq(), null,
                        "event " + e.seq() + " was altered: its content no longer matches its hash");
            } else {
                hashes.add(e.eventHash());
                prevHash = e.eventHash();
                nextSeq++;
                checked++;
            }
        }
    }

    public Uni<Report> verify() {
        return verifyEvents(new Walk(1, AuditChain.GENESIS));
    }

    // Pages through the log; keeps every event hash for the checkpoint pass (64 hex chars each, fine up to millions).
    private Uni<Report> verifyEvents(Walk walk) {
        return log.range(walk.nextSeq, Long.MAX_VALUE, PAGE).chain(page -> {
            for (AuditEntry e : page) {
                walk.check(e);
                if (walk.broken != null) {
                    return Uni.createFrom().item(walk.broken);
                }
            }
            return page.size() == PAGE ? verifyEvents(walk) : verifyCheckpoints(walk.checked, walk.hashes);
        });
    }

    private Uni<Report> verifyCheckpoints(long checked, List<String> hashes) {
        return log.checkpoints(0, Long.MAX_VALUE).map(checkpoints -> {
            int n = 0;
            long expectedFirst = 1;
            for (AuditLog.Checkpoint c : checkpoints) {
                if (c.firstSeq() != expectedFirst || c.lastSeq() < c.firstSeq() || c.lastSeq() > hashes.size()) {
                    return new Report(false, checked, n, null, c.id(),
                            "checkpoint " + c.id() + " covers events " + c.firstSeq() + ".." + c.lastSeq()
                                    + " which do not follow the previous checkpoint or do not exist");
                }
                String root = AuditChain.merkleRoot(hashes.subList((int) c.firstSeq() - 1, (int) c.lastSeq()));
                if (!root.equals(c.merkleRoot())) {
                    return new Report(false, checked, n, null, c.id(), "checkpoint " + c.id()
                            + ": the events " + c.firstSeq() + ".." + c.lastSeq() + " no longer hash to its Merkle root");
                }
                if (!keys.verify(AuditChain.checkpointStatement(c.firstSeq(), c.lastSeq(), c.merkleRoot()), c.signature())) {
                    return new Report(false, checked, n, null, c.id(),
                            "checkpoint " + c.id() + " has an invalid signature (key " + c.keyId() + ")");
                }
                expectedFirst = c.lastSeq() + 1;
                n++;
            }
            return new Report(true, checked, n, null, null, null);
        });
    }
}
