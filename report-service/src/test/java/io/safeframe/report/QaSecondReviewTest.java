package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRequest;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.QaAgreementReport;
import io.safeframe.api.v1.QaAgreementRequest;
import io.safeframe.api.v1.QaAgreementRow;
import io.safeframe.api.v1.QaClaimRequest;
import io.safeframe.api.v1.QaReview;
import io.safeframe.api.v1.QaReviewRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.StatementOfReasons;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;

/**
 * Blind second review over real gRPC and PostgreSQL (its own profile: every decided case sampled, a freshly cleaned
 * database). Ten cases are decided by ann and ben and second-reviewed by cat and dan with known (dis)agreements; the
 * figures are checked against the hand computation below. Also: the first decider can neither claim nor record the
 * second review, the claimed case carries nothing of the first decision, and a second review enforces nothing.
 *
 * <pre>
 *  #  queue            first  action1  second  action2  agree
 *  1  spam_scam        ann    REMOVE   cat     REMOVE   yes
 *  2  spam_scam        ann    REMOVE   cat     REMOVE   yes
 *  3  spam_scam        ann    NO       cat     NO       yes
 *  4  spam_scam        ann    NO       dan     REMOVE   no
 *  5  hate_harassment  ann    REMOVE   dan     REMOVE   yes
 *  6  hate_harassment  ann    NO       dan     NO       yes
 *  7  hate_harassment  ben    REMOVE   cat     NO       no
 *  8  hate_harassment  ben    REMOVE   cat     REMOVE   yes
 *  9  spam_scam        ben    NO       dan     NO       yes
 * 10  hate_harassment  ben    NO       dan     REMOVE   no
 *
 * 2x2 table (rows: first, columns: second)     REMOVE  NO   | first total
 *                                    REMOVE      4     1   |  5
 *                                    NO          2     3   |  5
 *                           second total         6     4   | 10
 * p_o = (4 + 3) / 10 = 0.7
 * p_e = (5/10)(6/10) + (5/10)(4/10) = 0.30 + 0.20 = 0.5
 * kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4                         (Cohen 1960)
 *
 * per moderator (a case counts for its first decider and its reviewer):
 *   ann 1-6: 6 cases, 5 agreed (0.8333)   ben 7-10: 4, 2 (0.5)
 *   cat 1,2,3,7,8: 5, 4 (0.8)             dan 4,5,6,9,10: 5, 3 (0.6)
 * per queue: spam_scam 1,2,3,4,9: 5, 4 (0.8); hate_harassment 5,6,7,8,10: 5, 3 (0.6)
 * </pre>
 * An eleventh case (ann, REMOVE) and a twelfth (ben, STRIKE) are sampled and still waiting: 12 sampled, 2 waiting.
 */
@QuarkusTest
@TestProfile(QaSecondReviewTest.EverythingSampled.class)
class QaSecondReviewTest {

    public static class EverythingSampled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("safeframe.qa.second-review-share", "1.0");
        }
    }

    record Planned(String queue, String first, Action firstAction, String second, Action secondAction) {
    }

    private static final Action R = Action.REMOVE_CONTENT;
    private static final Action N = Action.NO_ACTION;
    private static final List<Planned> PLAN = List.of(
            new Planned("spam_scam", "qa-ann", R, "qa-cat", R),
            new Planned("spam_scam", "qa-ann", R, "qa-cat", R),
            new Planned("spam_scam", "qa-ann", N, "qa-cat", N),
            new Planned("spam_scam", "qa-ann", N, "qa-dan", R),
            new Planned("hate_harassment", "qa-ann", R, "qa-dan", R),
            new Planned("hate_harassment", "qa-ann", N, "qa-dan", N),
            new Planned("hate_harassment", "qa-ben", R, "qa-cat", N),
            new Planned("hate_harassment", "qa-ben", R, "qa-cat", R),
            new Planned("spam_scam", "qa-ben", N, "qa-dan", N),
            new Planned("hate_harassment", "qa-ben", N, "qa-dan", R));

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    /** Opens a case in the queue, lets the moderator claim and decide it; returns the case id. */
    private String decided(String content, String queue, String moderator, Action action) {
        String caseId = Fixtures.enqueue(reports, content, queue, 0.8).getCaseId();
        CaseDetail claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor(moderator)).setQueue(queue).build());
        assertEquals(caseId, claimed.getRef().getCaseId());
        reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor(moderator)).setCaseId(caseId).setAction(action)
                .setCaseVersion(claimed.getRef().getVersion())
                .setStatement(StatementOfReasons.newBuilder().setFacts("first-review facts by " + moderator).setGround("terms 4.2")).build());
        return caseId;
    }

    private CaseDetail claimQa(String moderator) {
        return reports.claimQaReview(QaClaimRequest.newBuilder().setContext(Fixtures.actor(moderator)).build());
    }

    private QaReview review(String moderator, String caseId, Action action) {
        return reports.recordQaReview(QaReviewRequest.newBuilder().setContext(Fixtures.actor(moderator)).setCaseId(caseId).setAction(action).build());
    }

    /** Rows a decision's effects write: a second review must add none of them. */
    private Map<String, Long> effectCounts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String table : List.of("decision", "outbox", "notice", "webhook_event", "strike", "safety_label", "appeal")) {
            out.put(table, pool.query("select count(*) as n from " + table).execute().await().atMost(Duration.ofSeconds(20))
                    .iterator().next().getLong("n"));
        }
        out.put("content_status", pool.query("select count(*) as n from content_status where status <> 'VISIBLE'").execute()
                .await().atMost(Duration.ofSeconds(20)).iterator().next().getLong("n"));
        return out;
    }

    @Test
    void blindSecondReviewsGiveTheHandComputedAgreementAndKappaAndEnforceNothing() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> cases = new ArrayList<>();

        // case 1, then the first decider tries to take its second review: never offered, refused when forced
        Planned p1 = PLAN.get(0);
        cases.add(decided("qa-" + run + "-1", p1.queue(), p1.first(), p1.firstAction()));
        Fixtures.assertRefused(Status.Code.NOT_FOUND, () -> claimQa("qa-ann"));
        Fixtures.assertRefused(Status.Code.PERMISSION_DENIED, () -> review("qa-ann", cases.get(0), R));
        for (int i = 1; i < PLAN.size(); i++) {
            Planned p = PLAN.get(i);
            cases.add(decided("qa-" + run + "-" + (i + 1), p.queue(), p.first(), p.firstAction()));
        }
        decided("qa-" + run + "-11", "spam_scam", "qa-ann", R);
        // a twelfth, with a strike: the blind view must not show the strike this decision added
        String struck = decided("qa-" + run + "-12", "spam_scam", "qa-ben", Action.STRIKE);
        assertEquals(1, reports.getCase(CaseRequest.newBuilder().setContext(Fixtures.actor("qa-lead")).setCaseId(struck).build())
                .getActiveStrikes());

        // bad input: each refused, nothing written
        Fixtures.assertRefused(Status.Code.NOT_FOUND, () -> review("qa-cat", UUID.randomUUID().toString(), R));
        Fixtures.assertRefused(Status.Code.INVALID_ARGUMENT, () -> review("qa-cat", "not-a-case", R));
        Fixtures.assertRefused(Status.Code.INVALID_ARGUMENT, () -> review("qa-cat", cases.get(0), Action.ACTION_UNSPECIFIED));
        Fixtures.assertRefused(Status.Code.FAILED_PRECONDITION, () -> review("qa-cat", cases.get(0), R)); // not claimed yet
        Fixtures.assertRefused(Status.Code.INVALID_ARGUMENT,
                () -> reports.claimQaReview(QaClaimRequest.newBuilder().setContext(Fixtures.actor("qa-cat")).setQueue("kittens").build()));
        String undecided = Fixtures.enqueue(reports, "qa-" + run + "-open", "weapons", 0.5).getCaseId();
        Fixtures.assertRefused(Status.Code.NOT_FOUND, () -> review("qa-cat", undecided, R));

        Map<String, Long> before = effectCounts();
        for (int i = 0; i < PLAN.size(); i++) {
            Planned p = PLAN.get(i);
            String caseId = cases.get(i);
            CaseDetail claimed = claimQa(p.second());
            assertEquals(caseId, claimed.getRef().getCaseId(), "the oldest waiting second review comes first (case " + (i + 1) + ")");
            // blind: nothing of the first decision, its moderator or its statement
            assertFalse(claimed.hasDecision(), "case " + (i + 1));
            assertEquals(p.second(), claimed.getClaimedBy());
            assertEquals("QA_REVIEW", claimed.getRef().getState());
            assertFalse(claimed.toString().contains(p.first()), claimed.toString());
            assertFalse(claimed.toString().contains("first-review facts"), claimed.toString());
            // ... and GetCase does not lift the blindfold while the reviewer holds the claim; others still see the decision
            CaseDetail viaGet = reports.getCase(CaseRequest.newBuilder().setContext(Fixtures.actor(p.second())).setCaseId(caseId).build());
            assertFalse(viaGet.hasDecision());
            CaseDetail forOthers = reports.getCase(CaseRequest.newBuilder().setContext(Fixtures.actor("qa-lead")).setCaseId(caseId).build());
            assertEquals(p.firstAction(), forOthers.getDecision().getAction());
            if (i == 0) {
                Fixtures.assertRefused(Status.Code.PERMISSION_DENIED, () -> review("qa-ann", caseId, R)); // still the first decider's
                Fixtures.assertRefused(Status.Code.FAILED_PRECONDITION, () -> review("qa-dan", caseId, R)); // cat holds it
            }
            QaReview done = review(p.second(), caseId, p.secondAction());
            assertEquals(p.secondAction(), done.getAction());
            assertEquals(p.second(), done.getReviewedBy());
            if (i == 0) {
                Fixtures.assertRefused(Status.Code.FAILED_PRECONDITION, () -> review("qa-cat", caseId, N)); // once
            }
        }
        // ann's own eleventh case is skipped; ben's struck case comes to her as it was before the strike
        CaseDetail strikeBlind = claimQa("qa-ann");
        assertEquals(struck, strikeBlind.getRef().getCaseId());
        assertEquals(0, strikeBlind.getActiveStrikes());
        assertFalse(strikeBlind.hasDecision());
        assertFalse(strikeBlind.toString().contains("STRIKE"), strikeBlind.toString());
        // now nothing waits for ann: her own case, and the one she holds
        Fixtures.assertRefused(Status.Code.NOT_FOUND, () -> claimQa("qa-ann"));

        // a second review is a measurement: no decision, enforcement, notice, webhook, strike or label was added, and
        // the content the reviewers would have removed (cases 4 and 10) is as the first decision left it
        assertEquals(before, effectCounts());
        for (int i : new int[] { 3, 9 }) {
            String status = pool.preparedQuery("select status from content_status where target_id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of("qa-" + run + "-" + (i + 1))).await().atMost(Duration.ofSeconds(20))
                    .iterator().next().getString("status");
            assertEquals("VISIBLE", status, "case " + (i + 1) + ": first NO_ACTION stands though the reviewer said REMOVE_CONTENT");
        }

        QaAgreementReport figures = reports.qaAgreement(QaAgreementRequest.newBuilder().setContext(Fixtures.actor("qa-admin")).build());
        System.out.println("QA agreement figures: " + figures);
        assertEquals(12, figures.getSampled());
        assertEquals(2, figures.getWaiting());
        assertEquals(10, figures.getDoubleReviewed());
        assertEquals(7, figures.getAgreed());
        assertEquals(0.7, figures.getRawAgreement(), 1e-9);
        assertEquals(0.5, figures.getExpectedAgreement(), 1e-9);
        assertTrue(figures.getKappaDefined());
        assertEquals(0.4, figures.getKappa(), 1e-9);
        assertRow(figures.getModeratorsList(), "qa-ann", 6, 5);
        assertRow(figures.getModeratorsList(), "qa-ben", 4, 2);
        assertRow(figures.getModeratorsList(), "qa-cat", 5, 4);
        assertRow(figures.getModeratorsList(), "qa-dan", 5, 3);
        assertEquals(4, figures.getModeratorsCount());
        assertRow(figures.getQueuesList(), "spam_scam", 5, 4);
        assertRow(figures.getQueuesList(), "hate_harassment", 5, 3);
        assertEquals(2, figures.getQueuesCount());
    }

    private static void assertRow(List<QaAgreementRow> rows, String key, int doubleReviewed, int agreed) {
        QaAgreementRow row = rows.stream().filter(r -> r.getKey().equals(key)).findFirst().orElseThrow(() -> new AssertionError("no row " + key + " in " + rows));
        assertEquals(doubleReviewed, row.getDoubleReviewed(), key);
        assertEquals(agreed, row.getAgreed(), key);
        assertEquals((double) agreed / doubleReviewed, row.getRawAgreement(), 1e-9, key);
    }
}
