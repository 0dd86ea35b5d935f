package io.safeframe.gateway.me;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.generation.GenerationJob;
import io.safeframe.gateway.generation.GenerationService;
import io.safeframe.gateway.generation.JobState;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.ProvenanceClient;
import io.safeframe.gateway.internal.ReportClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gathers everything Safeframe holds about one account from every service that holds it (GDPR Art. 15, 20) into
 * one document of format {@value #FORMAT}. Bounded: jobs are read a page at a time up to {@value #MAX_JOBS}, and
 * each report-service list and the audit decisions are capped by their service; each section says its cap and
 * whether it was reached, so a cut export is never mistaken for a complete one.
 */
@ApplicationScoped
public class AccountExporter {

    public static final String FORMAT = "safeframe-export/2";
    static final int MAX_JOBS = 1000;
    static final int JOB_PAGE = 100;
    /** policy-service's ListDecisions answers the newest 500 audit events of an account. */
    static final int AUDIT_DECISIONS_LIMIT = 500;
    /** Manifest ids asked for per published clip; one is expected. */
    static final int MANIFESTS_PER_ASSET = 10;

    private final PolicyClient policy;
    private final ReportClient reports;
    private final ProvenanceClient provenance;
    private final GenerationService generations;

    public AccountExporter(PolicyClient policy, ReportClient reports, ProvenanceClient provenance, GenerationService generations) {
        this.policy = policy;
        this.reports = reports;
        this.provenance = provenance;
        this.generations = generations;
    }

    public Uni<Map<String, Object>> export(RequestContext ctx, Map<String, Object> standing) {
        String account = ctx.getAccountId();
        return Uni.combine().all().unis(policy.decisions(ctx, account), reports.accountRecords(ctx), jobs(account)).asTuple()
                .chain(t -> provenance(ctx, t.getItem3().jobs()).map(prov -> {
                    Map<String, Object> sections = new LinkedHashMap<>();
                    sections.put("account", ExportSections.account(standing).json());
                    sections.put("auditDecisions", ExportSections.auditDecisions(StandingView.decisions(t.getItem1()),
                            AUDIT_DECISIONS_LIMIT).json());
                    JobPages jobs = t.getItem3();
                    sections.put("generations", ExportSections.generations(
                            jobs.jobs().stream().map(this::job).toList(), MAX_JOBS, jobs.truncated()).json());
                    ExportSections.reportService(t.getItem2()).forEach((name, section) -> sections.put(name, section.json()));
                    sections.put("provenance", ExportSections.provenance(prov, jobs.truncated()).json());
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("format", FORMAT);
                    out.put("account", account);
                    out.put("exportedAt", Instant.now().toString());
                    out.put("sections", sections);
                    return out;
                }));
    }

    /** The job as its owner sees it, plus the prompt they wrote (null once it is no longer stored). */
    private Map<String, Object> job(GenerationJob j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", generations.ownerView(j));
        m.put("prompt", j.prompt);
        m.put("purgedAt", j.purgedAt); // retention removed the prompt, the evidence and a blocked job's clips
        return m;
    }

    record JobPages(List<GenerationJob> jobs, boolean truncated) {
    }

    /** Newest first, a page at a time, stopping at the cap (one row more tells whether there were more). */
    Uni<JobPages> jobs(String account) {
        return Panache.withSession(() -> page(account, 0, new ArrayList<>()));
    }

    private Uni<JobPages> page(String account, int index, List<GenerationJob> into) {
        return GenerationJob.<GenerationJob>find("accountId", Sort.descending("createdAt").and("jobId"), account)
                .page(Page.of(index, JOB_PAGE)).list().chain(rows -> {
                    for (GenerationJob j : rows) {
                        if (into.size() == MAX_JOBS) {
                            return Uni.createFrom().item(new JobPages(into, true));
                        }
                        into.add(j);
                    }
                    if (rows.size() < JOB_PAGE) {
                        return Uni.createFrom().item(new JobPages(into, false));
                    }
                    return page(account, index + 1, into);
                });
    }

    /** One registry question per published clip of the caller, one at a time: only the caller's own payloads are asked. */
    private Uni<List<Map<String, Object>>> provenance(RequestContext ctx, List<GenerationJob> jobs) {
        List<GenerationJob> published = jobs.stream()
                .filter(j -> j.state == JobState.PUBLISHED && j.watermarkPayload != null).toList();
        return Multi.createFrom().iterable(published)
                .onItem().transformToUniAndConcatenate(j -> provenance.manifests(ctx, j.watermarkPayload, MANIFESTS_PER_ASSET)
                        .map(ids -> ExportSections.provenanceRecord(j, ids)))
                .collect().asList();
    }
}
