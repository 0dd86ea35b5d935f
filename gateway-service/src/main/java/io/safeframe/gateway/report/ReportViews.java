package io.safeframe.gateway.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.AppealRecord;
import io.safeframe.api.v1.CaseDetail;
import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.Notice;
import io.safeframe.api.v1.QueueSummary;
import io.safeframe.api.v1.ReportSummary;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.gateway.generation.VerdictView;
import io.vertx.core.json.JsonObject;

/** report-service messages as the JSON the public API shows. */
public final class ReportViews {

    private ReportViews() {
    }

    public static Map<String, Object> caseRef(CaseRef r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("caseId", r.getCaseId());
        m.put("state", r.getState());
        m.put("reportCount", r.getReportCount());
        m.put("merged", r.getMerged());
        m.put("priority", r.getPriority());
        m.put("version", r.getVersion());
        return m;
    }

    public static Map<String, Object> caseDetail(CaseDetail c) {
        // what a queue lists, with the owner, the reports, the verdict, the history and the decision
        Map<String, Object> m = caseListing(c);
        m.put("target", Map.of("type", c.getTarget().getKind().name().toLowerCase(), "id", c.getTarget().getId(),
                "owner", c.getTarget().getOwnerAccountId()));
        m.put("reports", c.getReportsList().stream().map(ReportViews::report).toList());
        m.put("machineVerdict", c.hasMachineVerdict() ? VerdictView.of(c.getMachineVerdict()) : null);
        m.put("activeStrikes", c.getActiveStrikes());
        m.put("accountHistory", c.getAccountHistoryList().stream().map(ReportViews::decision).toList());
        m.put("decision", c.hasDecision() ? decision(c.getDecision()) : null);
        return m;
    }

    /** A case as a queue lists it: no reports, history or verdict details, only what orders and identifies it. */
    public static Map<String, Object> caseListing(CaseDetail c) {
        Map<String, Object> m = caseRef(c.getRef());
        m.put("target", Map.of("type", c.getTarget().getKind().name().toLowerCase(), "id", c.getTarget().getId()));
        m.put("category", c.getCategory());
        m.put("queue", c.getQueue());
        m.put("source", c.getSource());
        m.put("createdAt", c.getCreatedAt());
        m.put("slaDueAt", c.getSlaDueAt());
        m.put("slaBreached", c.getSlaBreached());
        m.put("claimedBy", c.getClaimedBy().isEmpty() ? null : c.getClaimedBy());
        m.put("leaseUntil", c.getLeaseUntil().isEmpty() ? null : c.getLeaseUntil());
        m.put("machineRule", c.hasMachineVerdict() ? c.getMachineVerdict().getRuleId() : null);
        m.put("likenessTakedown", c.getLikenessTakedown());
        // the owner's "this was wrong" and their reason (docs/safety-data.md)
        m.put("disputed", c.getDisputed());
        m.put("disputeReason", c.getDisputeReason().isEmpty() ? null : c.getDisputeReason());
        return m;
    }

    static Map<String, Object> report(ReportSummary r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reportId", r.getReportId());
        m.put("category", r.getCategory());
        m.put("explanation", r.getExplanation());
        m.put("reporter", r.getReporter().isEmpty() ? null : r.getReporter());
        m.put("trustedFlagger", r.getTrustedFlagger());
        m.put("reporterTrust", r.getReporterTrust());
        m.put("filedAt", r.getFiledAt());
        // a cameo owner's takedown request: opaque references to the use and the consent, never biometric data
        m.put("likenessTakedown", r.hasLikenessTakedown() ? Map.of("useId", r.getLikenessTakedown().getUseId(),
                "consentReferenceId", r.getLikenessTakedown().getConsentReferenceId(), "handle", r.getLikenessTakedown().getHandle()) : null);
        return m;
    }

    public static Map<String, Object> decision(DecisionRecord d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decisionId", d.getDecisionId());
        m.put("caseId", d.getCaseId());
        m.put("action", d.getAction().name());
        m.put("escalatedTo", d.getEscalatedTo().getNumber() == 0 ? null : d.getEscalatedTo().name());
        m.put("suspensionSeconds", d.getSuspensionSeconds());
        m.put("affectedAccount", d.getAffectedAccountId());
        m.put("decidedBy", d.getDecidedBy());
        m.put("decidedAt", d.getDecidedAt());
        m.put("statementOfReasons", statement(d.getStatement()));
        return m;
    }

    static Map<String, Object> statement(StatementOfReasons s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("facts", s.getFacts());
        m.put("ground", s.getGround());
        m.put("groundType", s.getGroundType());
        m.put("category", s.getCategory());
        m.put("automatedDetection", s.getAutomatedDetection());
        m.put("automatedDecision", s.getAutomatedDecision());
        m.put("redress", s.getRedress());
        return m;
    }

    public static Map<String, Object> appeal(AppealRecord a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("appealId", a.getAppealId());
        m.put("decisionId", a.getDecisionId());
        m.put("state", a.getState());
        m.put("filedAt", a.getFiledAt());
        m.put("explanation", a.getExplanation());
        m.put("resolvedBy", a.getResolvedBy().isEmpty() ? null : a.getResolvedBy());
        m.put("resolutionReason", a.getResolutionReason().isEmpty() ? null : a.getResolutionReason());
        m.put("decision", a.hasDecision() ? decision(a.getDecision()) : null);
        return m;
    }

    public static Map<String, Object> queue(QueueSummary q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue", q.getQueue());
        m.put("open", q.getOpen());
        m.put("claimed", q.getClaimed());
        m.put("slaBreached", q.getSlaBreached());
        m.put("oldestOpenAt", q.getOldestOpenAt());
        return m;
    }

    public static Map<String, Object> notice(Notice n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("noticeId", n.getNoticeId());
        m.put("kind", n.getKind());
        m.put("title", n.getTitle());
        m.put("caseId", n.getCaseId().isEmpty() ? null : n.getCaseId());
        m.put("decisionId", n.getDecisionId().isEmpty() ? null : n.getDecisionId());
        m.put("appealId", n.getAppealId().isEmpty() ? null : n.getAppealId());
        m.put("body", new JsonObject(n.getBodyJson()).getMap());
        m.put("createdAt", n.getCreatedAt());
        return m;
    }

    public static List<Map<String, Object>> notices(List<Notice> list) {
        return list.stream().map(ReportViews::notice).toList();
    }
}
