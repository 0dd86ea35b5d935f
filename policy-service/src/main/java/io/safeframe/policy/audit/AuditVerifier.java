package io.safeframe.policy.audit;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recomputes the whole chain and every checkpoint, compares the checkpoints with the witness, and names the first
 * thing that does not add up. Editing an event breaks its own hash; re-hashing the rest of the chain to hide that
 * breaks the signed Merkle root of its checkpoint; forging a checkpoint needs the Ed25519 key; removing one breaks
 * the next one's signed link; cutting the newest events together with their checkpoints leaves the witnessed
 * copies without a database counterpart.
 */
@ApplicationScoped
public class AuditVerifier {

    private static final int PAGE = 2000;

    private final AuditLog log;
    private final AuditKeys keys;
    private final AuditWitness witness;
    private final io.safeframe.policy.PolicyMetrics metrics;

    public AuditVerifier(AuditLog log, AuditKeys keys, AuditWitness witness, io.safeframe.policy.PolicyMetrics metrics) {
        this.log = log;
        this.keys = keys;
        this.witness = witness;
        this.metrics = metrics;
    }

    public record Report(boolean intact, long eventsChecked, int checkpointsChecked, Long firstBrokenSeq,
            Long firstBrokenCheckpoint, String problem) {
    }

    /**
     * Verifies the whole chain; every outcome is counted (the last intact time, or a failure). A verification that
     * cannot run at all (the database away) fails the Uni and counts neither way: it shows as a stale timestamp.
     */
    public Uni<Report> verify() {
        return verifyEvents(new ChainWalk()).invoke(metrics::verified);
    }

    // Pages through the log; the walk keeps every event hash for the checkpoint pass (64 hex chars each).
    private Uni<Report> verifyEvents(ChainWalk walk) {
        return log.range(walk.nextSeq(), Long.MAX_VALUE, PAGE).chain(page -> {
            for (AuditEntry e : page) {
                if (!walk.check(e)) {
                    return Uni.createFrom().item(walk.broken());
                }
            }
            return page.size() == PAGE ? verifyEvents(walk)
                    : log.checkpoints(0, Long.MAX_VALUE).chain(checkpoints -> {
                        Report walked = walk.finish(checkpoints, keys.verifyingRing());
                        if (!walked.intact()) {
                            return Uni.createFrom().item(walked);
                        }
                        return witness.witnessed()
                                .map(copies -> {
                                    Report cut = WitnessCheck.compare(walked, checkpoints, copies, walk.lastSeq(), keys.verifyingRing());
                                    return cut != null ? cut : walked;
                                })
                                .onFailure().recoverWithItem(failure -> new Report(false, walked.eventsChecked(),
                                        walked.checkpointsChecked(), null, null,
                                        "the audit witness could not be read, so a cut tail cannot be ruled out: " + failure.getMessage()));
                    });
        });
    }
}
