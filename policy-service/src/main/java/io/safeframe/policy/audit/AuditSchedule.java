package io.safeframe.policy.audit;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.policy.quota.QuotaLedger;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Time-based housekeeping: checkpoints every T seconds (so a quiet log is sealed too), expiry of open reservations,
 * and a verification of the whole audit chain every few minutes, so tampering is noticed (and alerted on, through
 * PolicyMetrics) without anyone asking VerifyAudit.
 */
@ApplicationScoped
public class AuditSchedule {

    private final AuditLog log;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AuditSchedule.class);

    private final QuotaLedger quota;
    private final AuditVerifier verifier;

    public AuditSchedule(AuditLog log, QuotaLedger quota, AuditVerifier verifier) {
        this.log = log;
        this.quota = quota;
        this.verifier = verifier;
    }

    @Scheduled(every = "${safeframe.audit.checkpoint-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> checkpoint() {
        return log.checkpointNow();
    }

    @Scheduled(every = "${safeframe.quota.expiry-sweep:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expireReservations() {
        return quota.expireOpenReservations().replaceWithVoid();
    }

    // every replica verifies (each one's alert stands on its own); "off" disables it where a walk of the whole log
    // every few minutes costs too much
    @Scheduled(every = "${safeframe.audit.verify-every:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> verifyChain() {
        return verifyNow().invoke(r -> {
            if (!r.intact()) {
                LOG.errorf("audit chain verification failed: %s", r.problem());
            }
        }).onFailure().invoke(f -> LOG.warnf("audit chain verification could not run: %s", f.toString())).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One verification now, as the schedule runs it (tests). */
    public Uni<AuditVerifier.Report> verifyNow() {
        return verifier.verify();
    }
}
