package io.safeframe.report.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRequest;
import io.safeframe.api.v1.ContentObservation;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.ObservationResult;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Campaigns and category spikes through the real service and database: a simulated campaign (20 new accounts, one
 * near-identical prompt each, within a minute, concurrently) opens exactly one CAMPAIGN case; a steady platform —
 * many accounts with different prompts, one account repeating itself, nine new accounts sharing a prompt, old
 * accounts sharing one — opens none. Signatures are built by the contract (eight one-byte MinHashes, near-identical
 * when five bytes agree), each test from its own random base so tests do not meet.
 */
@QuarkusTest
class TrendDetectionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Random random = new Random();

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    @Inject
    CategorySpikes spikes;

    @Inject
    MeterRegistry registry;

    private ObservationResult observe(String account, long signature, String category, Decision decision) {
        return reports.observeContent(ContentObservation.newBuilder()
                .setContext(RequestContext.newBuilder().setAccountId(account).setActor("gateway-service").setCorrelationId("trend-" + UUID.randomUUID()))
                .setKind("PROMPT").setSignature(signature).setCategory(category).setDecision(decision).build());
    }

    /**
     * The base with at most one of its eight bytes replaced, as prompts that differ by a take number mostly are (the
     * guard corpus: 86 % of them within one byte): any two such variants still agree on six bytes.
     */
    private long variant(long base) {
        if (random.nextBoolean()) {
            return base;
        }
        int at = random.nextInt(8) * 8;
        return (base & ~(0xffL << at)) | ((long) ((random.nextInt(255) + 1) ^ (int) ((base >>> at) & 0xff)) << at);
    }

    @Test
    void twentyNewAccountsSendingOnePromptInAMinuteOpenOneCampaignCase() throws Exception {
        long base = random.nextLong();
        String run = UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool20 = Executors.newFixedThreadPool(8);
        List<Future<ObservationResult>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String account = "campaign-" + run + "-" + i;
                long signature = variant(base);
                Decision decision = i % 2 == 0 ? Decision.REVIEW : Decision.ALLOW;
                answers.add(pool20.submit(() -> observe(account, signature, "election_misinformation", decision)));
            }
        } finally {
            pool20.shutdown();
        }
        Set<String> caseIds = new HashSet<>();
        for (Future<ObservationResult> a : answers) {
            caseIds.add(a.get().getCampaignCaseId());
        }
        caseIds.remove("");
        assertEquals(1, caseIds.size(), "one campaign, one case: " + caseIds);
        String caseId = caseIds.iterator().next();
        CaseDetail detail = reports.getCase(CaseRequest.newBuilder().setContext(RequestContext.newBuilder().setActor("moderator-trends"))
                .setCaseId(caseId).build());
        assertEquals(TargetKind.CAMPAIGN, detail.getTarget().getKind());
        Verdict verdict = detail.getMachineVerdict();
        assertEquals(CampaignDetector.RULE, verdict.getRuleId());
        assertEquals("election_misinformation", detail.getCategory(), "the members' flagged category names the queue");
        Set<String> named = new HashSet<>();
        verdict.getEvidenceList().forEach(e -> named.add(e.getMatched().replaceAll("^account (\\S+) .*$", "$1")));
        assertTrue(named.size() >= 10 && named.stream().allMatch(a -> a.startsWith("campaign-" + run)), named.toString());
        assertEquals(1L, pool.preparedQuery("select count(*) as n from report_case where target_kind = 'CAMPAIGN' and case_id = $1")
                .execute(Tuple.of(UUID.fromString(caseId))).await().atMost(WAIT).iterator().next().getLong("n"));

        // a late member joins the open campaign instead of opening another case
        assertEquals(caseId, observe("campaign-" + run + "-late", variant(base), "", Decision.ALLOW).getCampaignCaseId());
    }

    @Test
    void aSteadyPlatformOpensNoCampaign() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Set<String> caseIds = new HashSet<>();
        // 200 prompts of 100 accounts, each different
        for (int i = 0; i < 200; i++) {
            caseIds.add(observe("steady-" + run + "-" + (i % 100), random.nextLong(), i % 7 == 0 ? "weapons" : "",
                    i % 7 == 0 ? Decision.REVIEW : Decision.ALLOW).getCampaignCaseId());
        }
        // one account sending the same prompt 30 times: a per-account matter, not a campaign
        long repeated = random.nextLong();
        for (int i = 0; i < 30; i++) {
            caseIds.add(observe("repeater-" + run, variant(repeated), "", Decision.ALLOW).getCampaignCaseId());
        }
        // nine new accounts sharing a prompt: under the threshold of ten
        long shared = random.nextLong();
        for (int i = 0; i < 9; i++) {
            caseIds.add(observe("nine-" + run + "-" + i, variant(shared), "", Decision.ALLOW).getCampaignCaseId());
        }
        // fifteen accounts first seen a month ago sharing a prompt: established accounts, not a campaign of new ones
        long old = random.nextLong();
        for (int i = 0; i < 15; i++) {
            pool.preparedQuery("insert into account_first_seen (account_id, first_seen) values ($1, now() - interval '30 days')")
                    .execute(Tuple.of("old-" + run + "-" + i)).await().atMost(WAIT);
            caseIds.add(observe("old-" + run + "-" + i, variant(old), "", Decision.ALLOW).getCampaignCaseId());
        }
        caseIds.remove("");
        assertTrue(caseIds.isEmpty(), "a steady platform opened campaign cases " + caseIds);
    }

    @Test
    void badObservationsAndOutsideCampaignCasesAreRefused() {
        StatusRuntimeException noAccount = assertThrows(StatusRuntimeException.class, () -> reports.observeContent(ContentObservation.newBuilder()
                .setContext(RequestContext.newBuilder().setActor("gateway-service")).setKind("PROMPT").setSignature(1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noAccount.getStatus().getCode());
        StatusRuntimeException kind = assertThrows(StatusRuntimeException.class, () -> reports.observeContent(ContentObservation.newBuilder()
                .setContext(RequestContext.newBuilder().setAccountId("a").setActor("gateway-service")).setKind("EMAIL").setSignature(1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, kind.getStatus().getCode());
        StatusRuntimeException outside = assertThrows(StatusRuntimeException.class, () -> reports.enqueue(EnqueueRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setActor("gateway-service"))
                .setTarget(Target.newBuilder().setKind(TargetKind.CAMPAIGN).setId(UUID.randomUUID().toString()))
                .setMachineVerdict(Verdict.newBuilder().setDecision(Decision.REVIEW)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, outside.getStatus().getCode());
        assertTrue(outside.getStatus().getDescription().contains("trend detection"), outside.getStatus().getDescription());
    }

    @Test
    void aCategoryThatJumpsIsASpikeAndASteadyOneIsNot() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String jumping = "spiking-" + run;
        String steady = "steady-" + run;
        Random counts = new Random(3);
        // an hour of 2–4 flagged prompts a minute for both, then 25 in the last finished minute for one
        for (int minutesAgo = 60; minutesAgo >= 1; minutesAgo--) {
            for (String category : List.of(jumping, steady)) {
                int n = category.equals(jumping) && minutesAgo == 1 ? 25 : 2 + counts.nextInt(3);
                for (int i = 0; i < n; i++) {
                    pool.preparedQuery("""
                            insert into content_observation (kind, signature, bands, account_id, category, flagged, observed_at)
                            values ('PROMPT', $1, '{}', $2, $3, true, date_trunc('minute', now()) - make_interval(mins => $4) + interval '20 seconds')""")
                            .execute(Tuple.of(random.nextLong(), "spike-account-" + i, category, minutesAgo)).await().atMost(WAIT);
                }
            }
        }
        spikes.run().await().atMost(WAIT);
        assertEquals(1.0, spikeCount(jumping), "the jump to 25 a minute is one spike");
        assertEquals(0.0, spikeCount(steady), "2–4 a minute is the baseline");
        // a second round in the same minute finds nothing new: each minute is read once
        spikes.run().await().atMost(WAIT);
        assertEquals(1.0, spikeCount(jumping));
        assertFalse(pool.preparedQuery("select 1 from category_trend where category = $1").execute(Tuple.of(steady)).await().atMost(WAIT)
                .rowCount() == 0, "the steady category's baseline is kept");
    }

    private double spikeCount(String category) {
        var counter = registry.find("safeframe_trend_spikes_total").tag("category", category).counter();
        return counter == null ? 0 : counter.count();
    }
}
