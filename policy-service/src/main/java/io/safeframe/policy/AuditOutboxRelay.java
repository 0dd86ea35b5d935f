package io.safeframe.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.policy.anomaly.UsageAnomalyDetector;
import io.safeframe.policy.audit.AuditEntry;
import io.safeframe.policy.audit.AuditOutbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Moves audit events from the outbox into the chain: right after each enqueue (coalesced: one run at a time, off the
 * callers' path) and every second as a safety net (another replica's events, a run that failed). Authorize's events
 * then feed the usage-anomaly detector, per account and batch: a flag throttles later requests, never the one that
 * raised it, so the detector need not be on the caller's path, and one update per account per batch replaces one
 * transaction per request. A crash between sealing and observing loses those observations only (the events are
 * chained); the baseline shrugs off a missing second.
 */
@ApplicationScoped
public class AuditOutboxRelay {

    private static final Logger LOG = Logger.getLogger(AuditOutboxRelay.class);

    private final AuditOutbox outbox;
    private final UsageAnomalyDetector anomalies;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();

    public AuditOutboxRelay(AuditOutbox outbox, UsageAnomalyDetector anomalies) {
        this.outbox = outbox;
        this.anomalies = anomalies;
    }

    /** Events were enqueued: seal them now rather than at the next tick. */
    public void sealSoon() {
        requested.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        requested.set(false);
        sealNow().subscribe().with(ok -> finished(), failure -> {
            LOG.warnf("audit outbox not sealed yet (retried): %s", failure.toString());
            finished();
        });
    }

    /**
     * Seals what waits and lets the detector see it; completes when done. Readers of the log call it first, so they
     * read back every event recorded before their read.
     */
    public Uni<Void> sealNow() {
        return outbox.sealPending().chain(this::observe);
    }

    @Scheduled(every = "${safeframe.audit.outbox-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        sealSoon();
    }

    private void finished() {
        running.set(false);
        if (requested.get()) {
            sealSoon();
        }
    }

    private record Requests(int count, String lastCorrelationId) {
    }

    private Uni<Void> observe(List<AuditEntry> sealed) {
        Map<String, Requests> byAccount = new LinkedHashMap<>();
        for (AuditEntry event : sealed) {
            if ("generation.authorize".equals(event.action()) && event.accountId() != null) {
                byAccount.merge(event.accountId(), new Requests(1, event.correlationId()),
                        (a, b) -> new Requests(a.count() + b.count(), b.lastCorrelationId()));
            }
        }
        Instant now = Instant.now();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Requests> account : byAccount.entrySet()) {
            chain = chain.chain(() -> anomalies.observeAndAudit(account.getKey(), "requests", now, account.getValue().count(),
                    account.getValue().lastCorrelationId()).replaceWithVoid());
        }
        return chain;
    }
}
