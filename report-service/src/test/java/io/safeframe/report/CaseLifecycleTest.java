package io.safeframe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AccountState;
import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.AppealRequest;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CasesRequest;
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.DecideRequest;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.Notice;
import io.safeframe.api.v1.NoticesRequest;
import io.safeframe.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ResolveAppealRequest;
import io.safeframe.api.v1.StandingRequest;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.TransparencyRequest;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Report → case → decision → sanction in policy-service → notices → appeal → reversal by another moderator →
 * sanction lifted, over real gRPC to a real policy-service; plus every refusal the issue names, each leaving
 * nothing written.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class CaseLifecycleTest {

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @GrpcClient("policy")
    PolicyServiceBlockingStub policy;

    @Inject
    Pool pool;

    @Test
    void reportDecideSuspendAppealReverseLift() {
        String owner = "owner-" + UUID.randomUUID();
        String video = "video-" + UUID.randomUUID();
        Target target = Fixtures.content(video, owner);

        CaseRef first = reports.fileReport(Fixtures.report("rep-1", target, "violence_gore").build());
        CaseRef second = reports.fileReport(Fixtures.report("rep-2", target, "violence_gore").build());
        assertEquals(first.getCaseId(), second.getCaseId(), "two reports on one target merge into one case");
        assertEquals(2, second.getReportCount());
        assertTrue(second.getMerged());
        assertTrue(second.getPriority() > first.getPriority(), "a second report raises priority");

        // the same reporter again: refused, count unchanged
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> reports.fileReport(Fixtures.report("rep-1", target, "violence_gore").build()));
        assertEquals(Status.Code.ALREADY_EXISTS, again.getStatus().getCode());
        assertEquals(2, count("select count(*) from report where case_id = $1", UUID.fromString(first.getCaseId())));

        CaseDetail claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-a")).setQueue("violence_gore").build());
        assertEquals(first.getCaseId(), claimed.getRef().getCaseId());
        assertEquals(2, claimed.getReportsCount());
        assertEquals("mod-a", claimed.getClaimedBy());

        // another moderator cannot decide a case mod-a holds
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.decide(suspend("mod-b", claimed, claimed.getRef().getVersion())));
        // a stale version is refused
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.decide(suspend("mod-a", claimed, claimed.getRef().getVersion() - 1)));
        assertEquals(0, count("select count(*) from decision where case_id = $1", UUID.fromString(first.getCaseId())));

        DecisionRecord decision = reports.decide(suspend("mod-a", claimed, claimed.getRef().getVersion()));
        assertEquals(Action.SUSPEND_ACCOUNT, decision.getAction());
        assertEquals(owner, decision.getAffectedAccountId());
        assertFalse(decision.getStatement().getAutomatedDetection(), "reported by people, not detected by a machine");
        assertTrue(decision.getStatement().getRedress().contains("Art. 20"), "redress options are stated");
        assertEquals(AccountState.SUSPENDED, standing(owner), "the suspension reached policy-service");

        List<Notice> ownerNotices = notices(owner);
        assertEquals("DECISION", ownerNotices.get(0).getKind());
        JsonObject sor = new JsonObject(ownerNotices.get(0).getBodyJson());
        assertEquals("SUSPEND_ACCOUNT", sor.getString("action"));
        assertEquals("INCOMPATIBLE_WITH_TERMS", sor.getString("ground_type"));
        assertEquals("PT24H", sor.getString("suspension"));
        assertEquals("REPORT_OUTCOME", notices("rep-1").get(0).getKind());
        assertEquals("REPORT_OUTCOME", notices("rep-2").get(0).getKind());

        // appeals: a stranger cannot; the owner can, once
        assertRefused(Status.Code.NOT_FOUND, () -> reports.appeal(appeal("stranger", decision)));
        AppealRecord appeal = reports.appeal(appeal(owner, decision));
        assertEquals("PENDING", appeal.getState());
        assertRefused(Status.Code.ALREADY_EXISTS, () -> reports.appeal(appeal(owner, decision)));
        assertEquals(1, count("select count(*) from appeal where decision_id = $1", UUID.fromString(decision.getDecisionId())));

        // the decider may not review their own decision
        assertRefused(Status.Code.PERMISSION_DENIED, () -> reports.resolveAppeal(resolve("mod-a", appeal, true)));
        AppealRecord reversed = reports.resolveAppeal(resolve("mod-b", appeal, true));
        assertEquals("REVERSED", reversed.getState());
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.resolveAppeal(resolve("mod-c", appeal, false)));
        assertEquals(AccountState.ACTIVE, standing(owner), "the reversal lifted the suspension");
        assertEquals("APPEAL_OUTCOME", notices(owner).get(0).getKind());

        // every step is in the tamper-evident audit log, in order
        List<String> trail = auditTrail(first.getCaseId(), decision.getDecisionId());
        assertEquals(List.of("report.filed", "report.filed", "case.claimed", "sanction.apply", "case.decided", "appeal.filed",
                "sanction.lift", "appeal.resolved"), trail);

        String export = String.join("\n", statements());
        assertTrue(export.contains("\"puid\":\"" + decision.getDecisionId() + "\""));
        JsonObject line = export.lines().map(JsonObject::new).filter(j -> decision.getDecisionId().equals(j.getString("puid"))).findFirst().orElseThrow();
        assertEquals("DECISION_ACCOUNT_SUSPENDED", line.getString("decision_account"));
        assertEquals("STATEMENT_CATEGORY_VIOLENCE", line.getString("category"));
        assertEquals("SOURCE_ARTICLE_16", line.getString("source_type"));
        assertEquals("No", line.getString("automated_detection"));
        assertEquals("AUTOMATED_DECISION_NOT_AUTOMATED", line.getString("automated_decision"));
        assertEquals("DECISION_GROUND_INCOMPATIBLE_CONTENT", line.getString("decision_ground"));

        JsonObject report = new JsonObject(reports.transparencyReport(TransparencyRequest.newBuilder().setContext(Fixtures.actor("admin")).build()).getJson());
        assertTrue(report.getJsonObject("decisions_by_action").getLong("SUSPEND_ACCOUNT") >= 1);
        assertTrue(report.getJsonObject("appeals").getLong("REVERSED") >= 1);
        assertTrue(report.getDouble("median_time_to_action_seconds") >= 0);
    }

    @Test
    void threeStrikesWithinTheWindowSuspend() {
        String owner = "striker-" + UUID.randomUUID();
        DecisionRecord last = null;
        for (int i = 0; i < 3; i++) {
            Target target = Fixtures.content("clip-" + UUID.randomUUID(), owner);
            reports.fileReport(Fixtures.report("witness-" + i, target, "hate_harassment").build());
            CaseDetail c = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-s")).setQueue("hate_harassment").build());
            last = reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-s")).setCaseId(c.getRef().getCaseId())
                    .setAction(Action.STRIKE).setCaseVersion(c.getRef().getVersion()).setStatement(statement()).build());
            if (i < 2) {
                assertEquals(Action.ACTION_UNSPECIFIED, last.getEscalatedTo(), "strike " + (i + 1) + " alone does not suspend");
                assertEquals(AccountState.ACTIVE, standing(owner));
            }
        }
        assertEquals(Action.SUSPEND_ACCOUNT, last.getEscalatedTo());
        assertEquals(AccountState.SUSPENDED, standing(owner), "the third strike within 90 days suspended the account");
    }

    @Test
    void refusalsWriteNothing() {
        long reportsBefore = count("select count(*) from report", null);
        Target target = Fixtures.content("bad-" + UUID.randomUUID(), "someone");
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.fileReport(Fixtures.report("rep-x", target, "not_a_category").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.fileReport(Fixtures.report("someone", target, "sexual").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.fileReport(Fixtures.report("someone",
                Target.newBuilder().setKind(TargetKind.ACCOUNT).setId("someone").build(), "spam_scam").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.fileReport(Fixtures.report("rep-x", target, "sexual").setAnonymous(true).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.fileReport(Fixtures.report("rep-x", target, "sexual").setGoodFaithStatement(false).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.fileReport(Fixtures.report("rep-x", target, "sexual").setExplanation("").build()));
        assertEquals(reportsBefore, count("select count(*) from report", null), "no refused report was written");
        // anonymous is allowed for CSAM (DSA Art. 16(2)(c)), and the reporter is hidden from moderators
        CaseRef anon = reports.fileReport(Fixtures.report("rep-anon", Fixtures.content("csam-" + UUID.randomUUID(), "x"), "sexual_minors")
                .setAnonymous(true).build());
        assertEquals(1, anon.getReportCount());

        // report spam: the hourly limit per reporter (20)
        String spammer = "spammer-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            reports.fileReport(Fixtures.report(spammer, Fixtures.content("spam-" + i + "-" + UUID.randomUUID(), "v"), "other").build());
        }
        assertRefused(Status.Code.RESOURCE_EXHAUSTED,
                () -> reports.fileReport(Fixtures.report(spammer, Fixtures.content("spam-21", "v"), "other").build()));
        assertEquals(20, count("select count(*) from report where reporter = $1", spammer));

        // deciding a case nobody claimed
        CaseRef open = reports.fileReport(Fixtures.report("rep-y", Fixtures.content("unclaimed-" + UUID.randomUUID(), "w"), "illegal_drugs").build());
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-z"))
                .setCaseId(open.getCaseId()).setAction(Action.NO_ACTION).setStatement(statement()).build()));
        // an expired lease
        CaseDetail leased = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-z")).setQueue("illegal_drugs").setLeaseSeconds(1).build());
        sleep(1500);
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-z"))
                .setCaseId(leased.getRef().getCaseId()).setAction(Action.NO_ACTION).setStatement(statement()).build()));
        // a decision without its statement of reasons, a suspension without a duration
        CaseDetail held = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-z")).setQueue("illegal_drugs").build());
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-z"))
                .setCaseId(held.getRef().getCaseId()).setAction(Action.REMOVE_CONTENT).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-z"))
                .setCaseId(held.getRef().getCaseId()).setAction(Action.SUSPEND_ACCOUNT).setStatement(statement()).build()));
        assertEquals(0, count("select count(*) from decision where case_id = $1", UUID.fromString(open.getCaseId())));
        assertEquals(0, count("select count(*) from decision where case_id = $1", UUID.fromString(held.getRef().getCaseId())));

        // removal, then an appeal after the six-month window
        DecisionRecord removal = reports.decide(DecideRequest.newBuilder().setContext(Fixtures.actor("mod-z")).setCaseId(held.getRef().getCaseId())
                .setAction(Action.REMOVE_CONTENT).setCaseVersion(held.getRef().getVersion()).setStatement(statement()).build());
        assertEquals("REMOVED", reports.getContentStatus(Target.newBuilder().setId(held.getTarget().getId()).build()).getStatus());
        pool.preparedQuery("update decision set decided_at = now() - interval '200 days' where decision_id = $1")
                .execute(Tuple.of(UUID.fromString(removal.getDecisionId()))).await().indefinitely();
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.appeal(appeal(held.getTarget().getOwnerAccountId(), removal)));
        assertEquals(0, count("select count(*) from appeal where decision_id = $1", UUID.fromString(removal.getDecisionId())));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.appeal(AppealRequest.newBuilder().setContext(Fixtures.actor("w"))
                .setDecisionId("not-a-uuid").setExplanation("x").build()));
    }

    /**
     * Separation of duties: the account a case is about and its reporters never get it from a queue, cannot decide it
     * and cannot resolve its appeal; each direct attempt is PERMISSION_DENIED, writes nothing and is audited.
     * Runs in a queue no other test uses, so the queue holds exactly this case.
     */
    @Test
    void nobodyActsOnACaseTheyHaveAStakeIn() {
        String queue = "election_misinformation";
        String owner = "mod-owner-" + UUID.randomUUID();
        String reporter = "mod-reporter-" + UUID.randomUUID();
        Target target = Fixtures.content("video-" + UUID.randomUUID(), owner);
        CaseRef filed = reports.fileReport(Fixtures.report(reporter, target, queue).build());

        for (String conflicted : List.of(owner, reporter)) {
            assertFalse(reports.listCases(CasesRequest.newBuilder().setContext(Fixtures.actor(conflicted)).setQueue(queue).build())
                    .getCasesList().stream().anyMatch(c -> c.getRef().getCaseId().equals(filed.getCaseId())), conflicted + " is offered the case");
            assertRefused(Status.Code.NOT_FOUND, () -> reports.claimNext(
                    ClaimRequest.newBuilder().setContext(Fixtures.actor(conflicted)).setQueue(queue).build()));
        }
        assertTrue(reports.listCases(CasesRequest.newBuilder().setContext(Fixtures.actor("mod-neutral")).setQueue(queue).build())
                .getCasesList().stream().anyMatch(c -> c.getRef().getCaseId().equals(filed.getCaseId())), "a neutral moderator sees it");
        CaseDetail claimed = reports.claimNext(ClaimRequest.newBuilder().setContext(Fixtures.actor("mod-neutral")).setQueue(queue).build());
        assertEquals(filed.getCaseId(), claimed.getRef().getCaseId());

        // deciding directly, even on a case someone else holds, is refused for the conflict (not just the claim)
        assertRefused(Status.Code.PERMISSION_DENIED, () -> reports.decide(suspend(owner, claimed, claimed.getRef().getVersion())));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> reports.decide(suspend(reporter, claimed, claimed.getRef().getVersion())));
        assertEquals(0, count("select count(*) from decision where case_id = $1", UUID.fromString(filed.getCaseId())));

        DecisionRecord decision = reports.decide(suspend("mod-neutral", claimed, claimed.getRef().getVersion()));
        AppealRecord appeal = reports.appeal(appeal(owner, decision));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> reports.resolveAppeal(resolve(owner, appeal, true)));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> reports.resolveAppeal(resolve(reporter, appeal, false)));
        assertEquals(1, count("select count(*) from appeal where state = 'PENDING' and appeal_id = $1", UUID.fromString(appeal.getAppealId())));
        assertEquals("REVERSED", reports.resolveAppeal(resolve("mod-other", appeal, true)).getState());

        // every refused attempt is on the record
        awaitTrue(() -> count("select count(*) from outbox where delivered_at is null", null) == 0, Duration.ofSeconds(20));
        long refusals = count("select count(*) from outbox where kind = 'AUDIT' and position('conflict_of_interest.refused' in encode(payload, 'escape')) > 0"
                + " and (position('" + owner + "' in encode(payload, 'escape')) > 0 or position('" + reporter + "' in encode(payload, 'escape')) > 0)", null);
        assertEquals(4, refusals, "two refused decisions and two refused appeal resolutions audited");
    }

    private DecideRequest suspend(String moderator, CaseDetail c, long version) {
        return DecideRequest.newBuilder().setContext(Fixtures.actor(moderator)).setCaseId(c.getRef().getCaseId())
                .setAction(Action.SUSPEND_ACCOUNT).setSuspensionSeconds(86_400).setCaseVersion(version).setStatement(statement()).build();
    }

    private static StatementOfReasons statement() {
        return StatementOfReasons.newBuilder().setFacts("The video shows a realistic beheading (00:03-00:07).")
                .setGround("Terms of Service §4.2: graphic violence").build();
    }

    private static AppealRequest appeal(String who, DecisionRecord decision) {
        return AppealRequest.newBuilder().setContext(Fixtures.actor(who)).setDecisionId(decision.getDecisionId())
                .setExplanation("It is a film prop; the blood is paint.").build();
    }

    private static ResolveAppealRequest resolve(String moderator, AppealRecord appeal, boolean reverse) {
        return ResolveAppealRequest.newBuilder().setContext(Fixtures.actor(moderator)).setAppealId(appeal.getAppealId())
                .setReverse(reverse).setReason("The props are visibly fake; no real violence.").build();
    }

    private AccountState standing(String account) {
        StandingRequest request = StandingRequest.newBuilder().setContext(RequestContext.newBuilder().setActor("report-service")).setAccountId(account).build();
        return policy.getStanding(request).getState();
    }

    private List<Notice> notices(String account) {
        return reports.listNotices(NoticesRequest.newBuilder().setAccountId(account).build()).getNoticesList();
    }

    private List<String> statements() {
        List<String> out = new java.util.ArrayList<>();
        reports.exportStatements(TransparencyRequest.newBuilder().setContext(Fixtures.actor("admin")).build())
                .forEachRemaining(l -> out.add(l.getJson()));
        return out;
    }

    /** The audit events about this case or decision, in log order (waits for the outbox to drain). */
    private List<String> auditTrail(String caseId, String decisionId) {
        awaitTrue(() -> count("select count(*) from outbox where delivered_at is null", null) == 0, Duration.ofSeconds(20));
        List<String> actions = new java.util.ArrayList<>();
        policy.exportAudit(ExportAuditRequest.newBuilder().setContext(RequestContext.newBuilder().setActor("report-service")).build())
                .forEachRemaining(line -> {
                    JsonObject j = new JsonObject(line.getJson());
                    String text = line.getJson();
                    if ("event".equals(j.getString("type")) && (text.contains(caseId) || text.contains(decisionId))) {
                        actions.add(j.getString("action"));
                    }
                });
        return actions;
    }

    private long count(String sql, Object param) {
        var rows = param == null ? pool.query(sql).execute().await().indefinitely()
                : pool.preparedQuery(sql).execute(Tuple.of(param)).await().indefinitely();
        return rows.iterator().next().getLong(0);
    }

    private static void assertRefused(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
