package io.safeframe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.gateway.generation.JobMetrics;
import io.safeframe.gateway.generation.JobState;
import io.safeframe.testing.Scrape;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The job gauges in a scrape of the management interface: jobs per non-terminal state, and the age of the oldest
 * job in the automatic pipeline — a job held for a moderator for two days is counted but does not make that age.
 * (Transitions and step durations are asserted on a real flow in GenerationFlowTest.)
 */
@QuarkusTest
class JobMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    JobMetrics metrics;

    @Inject
    Pool pool;

    @Test
    void jobsPerStateAndTheOldestActiveAgeLeaveHeldJobsOut() {
        metrics.refresh().await().atMost(WAIT);
        Scrape before = Scrape.self();
        for (JobState s : JobState.values()) {
            assertEquals(!s.finished(), before.value("safeframe_jobs", Map.of("state", s.name())) != null,
                    s + ": a series for every non-terminal state, at 0 when empty: " + before.lines("safeframe_jobs"));
        }
        UUID generating = UUID.randomUUID();
        UUID held = UUID.randomUUID();
        // not due for an hour: the job runner leaves them alone while the gauges read them
        insert(generating, "GENERATING", 20 * 60);
        insert(held, "HELD_FOR_REVIEW", 2 * 86_400);
        try {
            metrics.refresh().await().atMost(WAIT);
            Scrape after = Scrape.self();
            for (String state : List.of("GENERATING", "HELD_FOR_REVIEW")) {
                Map<String, String> label = Map.of("state", state);
                assertEquals(1, after.count("safeframe_jobs", label) - before.count("safeframe_jobs", label), after.lines("safeframe_jobs"));
            }
            double oldest = after.count("safeframe_job_oldest_active_age_seconds", Map.of());
            assertTrue(oldest >= 20 * 60 && oldest < 86_400, "the 20-minute job, not the held one: " + after.lines("safeframe_job_oldest"));
        } finally {
            pool.preparedQuery("delete from generation_job where job_id = any($1)").execute(Tuple.of(new UUID[] { generating, held }))
                    .await().atMost(WAIT);
        }
        metrics.refresh().await().atMost(WAIT);
        assertNotNull(Scrape.self().value("safeframe_job_oldest_active_age_seconds", Map.of()));
    }

    private void insert(UUID id, String state, double ageSeconds) {
        pool.preparedQuery("""
                insert into generation_job (job_id, account_id, state, duration_seconds, aspect, correlation_id, created_at, updated_at,
                    next_attempt_at)
                values ($1, 'metrics-test', $2, 2, '16:9', 'metrics', now() - make_interval(secs => $3), now(), now() + interval '1 hour')""")
                .execute(Tuple.of(id, state, ageSeconds)).await().atMost(WAIT);
    }
}
