package io.safeframe.gateway.me;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.AccountRecords;
import io.safeframe.api.v1.CaseAboutAccount;
import io.safeframe.api.v1.FiledReport;
import io.safeframe.gateway.generation.GenerationJob;
import io.safeframe.gateway.me.ExportSection.Withheld;
import io.safeframe.gateway.report.ReportViews;

/**
 * The sections of a safeframe-export/2 document and the statement, per section, of what is kept but not handed
 * over and why. The withholding itself happens where the data lives (report-service leaves reporters and
 * moderators out of ExportAccount, VerdictView#forOwner drops detection evidence); this is where it is told.
 */
final class ExportSections {

    static final String POLICY = "policy-service";
    static final String GATEWAY = "gateway-service";
    static final String REPORT = "report-service";
    static final String PROVENANCE = "provenance-service";

    private static final Withheld MODERATORS = new Withheld("the names of the moderators who decided or resolved",
            "staff safety; the statement of reasons says what was decided and on which ground (DSA Art. 17), which does not depend on who decided");

    private ExportSections() {
    }

    static ExportSection account(Map<String, Object> standing) {
        return ExportSection.of(POLICY, standing, List.of(new Withheld("internal rate-limit and anomaly counters",
                "short-lived operational counters used to protect the service, not a record about you; your quota and standing are included")));
    }

    static ExportSection auditDecisions(List<Map<String, Object>> decisions, int limit) {
        return ExportSection.capped(POLICY + " (audit log)", decisions, limit, decisions.size() >= limit,
                List.of(new Withheld("hashes and signatures chaining each audit event to the others",
                        "they secure the log as a whole and contain no information about you")));
    }

    static ExportSection generations(List<Map<String, Object>> jobs, int limit, boolean truncated) {
        return ExportSection.capped(GATEWAY, jobs, limit, truncated, List.of(
                new Withheld("verdict evidence: matched text, spans, scores, frame times and normalisation steps",
                        "they would show how to rephrase a prompt or alter a clip until detection misses it (GDPR Art. 15(4), Art. 23(1)(d)); each verdict's decision, categories, rule and reason are included"),
                new Withheld("the video files themselves", "too large for this document; each published job links to its video"),
                new Withheld("the prompts of finished jobs (published, blocked in the pipeline, failed)",
                        "deleted when the job finishes, so nothing is left to export: shown as null; jobs still in progress carry theirs"),
                new Withheld("prompts, evidence and clips of jobs blocked at screening, after their retention",
                        "deleted by the retention purge (docs/retention.md): purgedAt says when")));
    }

    /** reportsFiled, casesAboutYou, moderationDecisions, appeals, notices, sampledForLabelling. */
    static Map<String, ExportSection> reportService(AccountRecords r) {
        int limit = r.getLimitPerList();
        List<String> cut = r.getTruncatedList();
        Map<String, ExportSection> out = new LinkedHashMap<>();
        out.put("reportsFiled", ExportSection.capped(REPORT, r.getReportsFiledList().stream().map(ExportSections::filed).toList(), limit,
                cut.contains("reports_filed"), List.of(new Withheld("the trust score derived from how often your reports led to action",
                        "an internal weighting for queue priority, not a record about you as a person"))));
        out.put("casesAboutYou", ExportSection.capped(REPORT, r.getCasesAboutAccountList().stream().map(ExportSections::caseAbout).toList(),
                limit, cut.contains("cases_about_account"), List.of(
                        new Withheld("who reported you or your content, and what they wrote",
                                "the reporter's identity and words are their personal data; disclosing them to the reported person could expose them to retaliation (GDPR Art. 15(4), DSA Art. 16)"),
                        new Withheld("the automated verdict's evidence on the case", "as for generations: it would show how to evade detection"))));
        out.put("moderationDecisions", ExportSection.capped(REPORT, r.getDecisionsList().stream().map(ExportSections::decision).toList(),
                limit, cut.contains("decisions"), List.of(MODERATORS)));
        out.put("appeals", ExportSection.capped(REPORT, r.getAppealsList().stream().map(a -> {
            Map<String, Object> m = ReportViews.appeal(a);
            m.remove("resolvedBy");
            m.put("decision", a.hasDecision() ? decision(a.getDecision()) : null);
            return m;
        }).toList(), limit, cut.contains("appeals"), List.of(MODERATORS)));
        out.put("notices", ExportSection.capped(REPORT, ReportViews.notices(r.getNoticesList()), limit, cut.contains("notices"), List.of()));
        out.put("sampledForLabelling", ExportSection.capped(REPORT, r.getSampledForLabellingList().stream().map(i -> {
            Map<String, Object> m = io.safeframe.gateway.moderation.LabellingResource.view(i);
            m.remove("labelledBy");
            return m;
        }).toList(), limit, cut.contains("sampled_for_labelling"), List.of(MODERATORS)));
        return out;
    }

    static ExportSection provenance(List<Map<String, Object>> records, boolean jobsTruncated) {
        return ExportSection.capped(GATEWAY + ", " + PROVENANCE, records, AccountExporter.MAX_JOBS, jobsTruncated, List.of(
                new Withheld("the registry row's model, signing key id and watermark layout",
                        "provenance-service answers those only to verify-service, by watermark payload and key; anyone can read them from the published video at POST /v1/verify"),
                new Withheld("the C2PA manifest store bytes", "embedded in the published video itself; listed here by id and hash")));
    }

    /** One published clip: what the job recorded at marking and the manifests the registry holds for its watermark. */
    static Map<String, Object> provenanceRecord(GenerationJob j, List<String> manifestIds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", j.jobId.toString());
        m.put("assetId", j.assetId);
        m.put("watermarkPayload", j.watermarkPayload);
        m.put("manifestSha256", j.manifestSha256);
        m.put("publishedAt", j.publishedAt == null ? null : j.publishedAt.toString());
        m.put("manifestIds", manifestIds);
        return m;
    }

    private static Map<String, Object> decision(io.safeframe.api.v1.DecisionRecord d) {
        Map<String, Object> m = ReportViews.decision(d);
        m.remove("decidedBy");
        return m;
    }

    private static Map<String, Object> filed(FiledReport f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reportId", f.getReportId());
        m.put("caseId", f.getCaseId());
        m.put("targetType", f.getTargetKind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("targetId", f.getTargetId());
        m.put("category", f.getCategory());
        m.put("explanation", f.getExplanation());
        m.put("anonymous", f.getAnonymous());
        m.put("trustedFlagger", f.getTrustedFlagger());
        m.put("filedAt", f.getFiledAt());
        m.put("caseState", f.getCaseState());
        return m;
    }

    private static Map<String, Object> caseAbout(CaseAboutAccount c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("caseId", c.getCaseId());
        m.put("targetType", c.getTargetKind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("targetId", c.getTargetId());
        m.put("category", c.getCategory());
        m.put("source", c.getSource());
        m.put("state", c.getState());
        m.put("reportCount", c.getReportCount());
        m.put("createdAt", c.getCreatedAt());
        m.put("decidedAt", c.getDecidedAt().isEmpty() ? null : c.getDecidedAt());
        return m;
    }
}
