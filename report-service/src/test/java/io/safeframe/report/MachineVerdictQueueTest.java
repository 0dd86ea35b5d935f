package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.Verdict;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Which queue a machine verdict's case lands in: frame-classifier's sexual_minors verdict (the category scored 1.0
 * next to the image model's sexual score) goes to the sexual_minors queue, above a plain sexual case; on a tie of
 * scores the more severe category names the queue.
 */
@QuarkusTest
class MachineVerdictQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    private CaseRef enqueue(Decision decision, String... categoryScores) {
        Verdict.Builder v = Verdict.newBuilder().setDecision(decision).setSource("frame-classifier").setRuleId("faces:sexual_minors")
                .setReason("test verdict");
        for (int i = 0; i < categoryScores.length; i += 2) {
            v.addCategories(CategoryScore.newBuilder().setCategory(categoryScores[i]).setScore(Double.parseDouble(categoryScores[i + 1])));
        }
        String id = "route-" + UUID.randomUUID();
        return reports.enqueue(EnqueueRequest.newBuilder().setContext(Fixtures.actor("frame-classifier"))
                .setTarget(Fixtures.content(id, "owner-of-" + id)).setMachineVerdict(v).build());
    }

    private Row caseRow(CaseRef ref) {
        return pool.preparedQuery("select queue, category, priority from report_case where case_id = $1")
                .execute(Tuple.of(UUID.fromString(ref.getCaseId()))).await().atMost(WAIT).iterator().next();
    }

    @Test
    void aSexualMinorsVerdictIsQueuedThereAboveAPlainSexualCase() {
        CaseRef minors = enqueue(Decision.BLOCK, "sexual", "0.93", "suggestive", "0.04", "sexual_minors", "1.0");
        CaseRef sexual = enqueue(Decision.REVIEW, "sexual", "0.93", "suggestive", "0.04");
        assertEquals("sexual_minors", caseRow(minors).getString("queue"));
        assertEquals("sexual", caseRow(sexual).getString("queue"));
        assertTrue(minors.getPriority() > sexual.getPriority(), minors.getPriority() + " vs " + sexual.getPriority());
    }

    @Test
    void onEqualScoresTheMoreSevereCategoryNamesTheQueue() {
        CaseRef tie = enqueue(Decision.BLOCK, "hate_harassment", "1.0", "sexual_minors", "1.0");
        assertEquals("sexual_minors", caseRow(tie).getString("queue"));
        CaseRef higher = enqueue(Decision.BLOCK, "hate_harassment", "1.0", "sexual_minors", "0.99");
        assertEquals("hate_harassment", caseRow(higher).getString("queue"), "the score still comes first");
    }
}
