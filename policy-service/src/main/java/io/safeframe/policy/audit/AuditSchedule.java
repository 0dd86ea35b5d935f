package io.safeframe.policy.audit;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.policy.quota.QuotaLedger;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Time-based housekeeping: checkpoints every T seconds (so a quiet log is sealed too), expiry of open reservations. */
@ApplicationScoped
public class AuditSchedule {

    private final AuditLog log;
    private final QuotaLedger quota;

    public AuditSchedule(AuditLog log, QuotaLedger quota) {
        this.log = log;
        this.quota = quota;
    }

    @Scheduled(every = "${safeframe.audit.checkpoint-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> checkpoint() {
        return log.checkpointNow();
    }

    @Scheduled(every = "${safeframe.quota.expiry-sweep:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expireReservations() {
        return quota.expireOpenReservations().replaceWithVoid();
    }
}
