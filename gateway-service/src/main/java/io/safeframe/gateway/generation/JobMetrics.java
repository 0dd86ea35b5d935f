package io.safeframe.gateway.generation;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The generation pipeline's series (docs/observability.md): jobs per non-terminal state and the age of the oldest
 * one in flight (gauges, filled by one SQL statement on a schedule so a scrape never waits on the database), the
 * duration of each step ({@code safeframe_job_step_seconds{step}}) and every state a job enters
 * ({@code safeframe_job_transitions_total{state}}).
 */
@ApplicationScoped
public class JobMetrics {

    private static final Logger LOG = Logger.getLogger(JobMetrics.class);

    /** The steps a job goes through, as timed: screening inline in the POST, the rest in the job runner. */
    public static final String SCREEN = "screen", GENERATE = "generate", CLASSIFY = "classify", MARK = "mark", PUBLISH = "publish";

    // Only undecided jobs, through the partial index generation_job_open (its predicate, word for word): the cost
    // follows the jobs in flight, not every job ever made. Terminal states are counted by the transitions counter.
    private static final String SNAPSHOT = """
            select state, count(*) as n,
                   coalesce(extract(epoch from now() - min(coalesce(pipeline_since, created_at))), 0)::bigint as oldest_seconds
            from generation_job where state not in ('PUBLISHED', 'BLOCKED', 'FAILED') group by state""";

    private final MeterRegistry meters;
    private final Pool pool;
    // held here: a Micrometer gauge keeps only a weak reference to what it reads
    private final Map<JobState, AtomicLong> perState = new EnumMap<>(JobState.class);
    private final AtomicLong oldestActive = new AtomicLong();
    private final Map<String, Timer> steps;

    public JobMetrics(MeterRegistry meters, Pool pool) {
        this.meters = meters;
        this.pool = pool;
        for (JobState s : JobState.values()) {
            if (!s.finished()) {
                AtomicLong n = new AtomicLong();
                perState.put(s, n);
                Gauge.builder("safeframe.jobs", n, AtomicLong::get).tag("state", s.name())
                        .description("generation jobs in this (non-terminal) state").register(meters);
            }
        }
        Gauge.builder("safeframe.job.oldest.active.age", oldestActive, AtomicLong::get).baseUnit("seconds")
                .description("age of the oldest job in the automatic pipeline (not held for review); 0 when none").register(meters);
        this.steps = Map.of(SCREEN, step(SCREEN), GENERATE, step(GENERATE), CLASSIFY, step(CLASSIFY), MARK, step(MARK), PUBLISH, step(PUBLISH));
    }

    private Timer step(String name) {
        // a step is a gRPC call or two, but generation of a long clip can take minutes
        return Timer.builder("safeframe.job.step").tag("step", name).description("duration of one completed pipeline step")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
    }

    /** A job entered {@code state} (created, moved on, held, failed): one count per transition that took effect. */
    public void entered(JobState state) {
        meters.counter("safeframe.job.transitions", "state", state.name()).increment();
    }

    /**
     * Times the step {@code work} makes, from subscription until it completes; a step that fails or waits for an unavailable service
     * is not a completed step and is not recorded (its retries are, once one completes).
     */
    public <T> Uni<T> timed(String step, java.util.function.Supplier<Uni<T>> work) {
        Timer timer = steps.get(step);
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return work.get().invoke(() -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        });
    }

    @Scheduled(every = "${safeframe.generation.metrics-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(f -> LOG.warnf("refreshing the job gauges failed: %s", f.toString())).onFailure()
                .recoverWithNull();
    }

    /** Counts the jobs in flight once and sets every gauge; states with none go back to 0. */
    public Uni<Void> refresh() {
        return pool.query(SNAPSHOT).execute().invoke(rows -> {
            Map<JobState, Long> counts = new EnumMap<>(JobState.class);
            long oldest = 0;
            for (Row r : rows) {
                JobState state;
                try {
                    state = JobState.valueOf(r.getString("state"));
                } catch (IllegalArgumentException e) {
                    continue; // a state this version does not know (a newer replica's): not ours to label
                }
                counts.put(state, r.getLong("n"));
                // a held job waits for a person, which report-service's queue age measures; here only the machine's part
                if (state != JobState.HELD_FOR_REVIEW) {
                    oldest = Math.max(oldest, r.getLong("oldest_seconds"));
                }
            }
            perState.forEach((state, n) -> n.set(counts.getOrDefault(state, 0L)));
            oldestActive.set(oldest);
        }).replaceWithVoid();
    }
}
