package io.safeframe.gateway.generation;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Drives generation jobs through their steps. Every instance polls for due jobs and leases the ones it takes
 * (SKIP LOCKED, so replicas share the work and no job runs twice); leases are renewed while a step runs and run
 * out when an instance dies, so a restarted or another instance resumes its jobs from the last state written.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final String owner = "gateway-" + UUID.randomUUID();
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final JobStore store;
    private final JobSteps steps;
    private final JobTracing tracing;
    private final boolean enabled;
    private final int concurrency;
    private final Duration lease;

    public JobRunner(JobStore store, JobSteps steps, JobTracing tracing, @ConfigProperty(name = "safeframe.generation.runner-enabled") boolean enabled,
            @ConfigProperty(name = "safeframe.generation.concurrency") int concurrency,
            @ConfigProperty(name = "safeframe.generation.lease") Duration lease) {
        this.store = store;
        this.steps = steps;
        this.tracing = tracing;
        this.enabled = enabled;
        this.concurrency = concurrency;
        this.lease = lease;
    }

    @Scheduled(every = "${safeframe.generation.poll-every}", delay = 1, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        int free = concurrency - inFlight.size();
        if (!enabled || free <= 0) {
            return Uni.createFrom().voidItem();
        }
        return store.claimDue(free, lease, owner).invoke(jobs -> jobs.forEach(this::start)).replaceWithVoid()
                .onFailure().invoke(f -> LOG.warnf("claiming due jobs failed: %s", f.toString())).onFailure().recoverWithNull();
    }

    @Scheduled(every = "${safeframe.generation.lease-renewal}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> renewLeases() {
        return store.renewLeases(List.copyOf(inFlight), lease, owner).onFailure().recoverWithNull();
    }

    private void start(JobStore.Job job) {
        inFlight.add(job.id());
        tracing.runStep(job, () -> steps.advance(job).onTermination().invoke(() -> inFlight.remove(job.id()))
                .onFailure().invoke(f -> LOG.errorf(f, "job %s: step %s did not finish", job.id(), job.state())));
    }

    /** Jobs this instance is working on now (for tests and the health of the pipeline). */
    public int inFlight() {
        return inFlight.size();
    }
}
