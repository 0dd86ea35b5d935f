package io.safeframe.policy.audit;

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

    public Uni<Report> verify() {
        return verifyEvents(new ChainWalk());
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
                    : log.checkpoints(0, Long.MAX_VALUE).map(checkpoints -> walk.finish(checkpoints, keys::verify));
        });
    }
}
