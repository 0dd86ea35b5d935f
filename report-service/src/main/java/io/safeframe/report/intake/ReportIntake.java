package io.safeframe.report.intake;

import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnqueueRequest;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.LikenessTakedown;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.safeframe.report.Refusal;
import io.safeframe.report.config.ReportSettings;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.queue.CaseRows;
import io.safeframe.report.queue.Priority;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Notices from people (DSA Art. 16) and REVIEW verdicts from machines become cases. One open case per
 * target: later reports merge into it and raise its priority. Everything for one target happens under a
 * transaction-scoped advisory lock on that target, so concurrent reports cannot open two cases.
 */
@ApplicationScoped
public class ReportIntake {

    static final int MAX_EXPLANATION = 5000;
    static final int MAX_PROMPT = 4000;

    private final Pool pool;
    private final ReportSettings settings;
    private final Outbox outbox;

    public ReportIntake(Pool pool, ReportSettings settings, Outbox outbox) {
        this.pool = pool;
        this.settings = settings;
        this.outbox = outbox;
    }

    public Uni<CaseRef> file(FileReportRequest request) {
        RequestContext ctx = request.getContext();
        String reporter = Refusal.requireText(ctx.getActor(), "reporter (context.actor)", 200);
        Target target = validTarget(request.getTarget());
        if (target.getKind() == TargetKind.CAMPAIGN) {
            throw Refusal.invalid("report the content or the accounts; campaigns are found by trend detection");
        }
        ReportSettings.Category category = knownCategory(request.getCategory());
        String explanation = Refusal.requireText(request.getExplanation(), "explanation", MAX_EXPLANATION);
        if (!request.getGoodFaithStatement()) {
            throw Refusal.invalid("a report needs the statement that it is made in good faith and is accurate (DSA Art. 16(2)(d))");
        }
        if (request.getAnonymous() && !category.anonymousAllowed()) {
            throw Refusal.invalid("anonymous reports are accepted only for child sexual abuse material (DSA Art. 16(2)(c)); "
                    + "your identity is never shown to the reported account");
        }
        LikenessTakedown takedown = likenessTakedown(request);
        String owner = owner(target);
        if (reporter.equals(owner)) {
            throw Refusal.invalid("you cannot report your own " + (target.getKind() == TargetKind.ACCOUNT ? "account" : "content"));
        }
        return pool.withTransaction(conn -> lock(conn, "reporter:" + reporter)
                .chain(() -> conn.preparedQuery("select count(*) as n from report where reporter = $1 and created_at > now() - interval '1 hour'")
                        .execute(Tuple.of(reporter)))
                .invoke(rows -> {
                    if (rows.iterator().next().getLong("n") >= settings.reportsPerHour()) {
                        throw Refusal.tooMany("at most " + settings.reportsPerHour() + " reports per hour; try again later");
                    }
                })
                .chain(() -> lock(conn, targetKey(target)))
                .chain(() -> openCase(conn, target))
                .call(open -> open == null ? Uni.createFrom().voidItem() : refuseRepeat(conn, open, reporter))
                .chain(open -> reporterTrust(conn, reporter, request.getTrustedFlagger()).chain(trust -> open == null
                        ? createCase(conn, target, request.getCategory(), request.getTrustedFlagger() ? "TRUSTED_FLAGGER" : "NOTICE",
                                1, trust, 0, null)
                        : mergeReport(conn, open, request.getCategory(), trust)))
                .call(ref -> conn.preparedQuery("""
                        insert into report (report_id, case_id, category, reporter, anonymous, trusted_flagger, good_faith, explanation, created_at,
                            takedown_use_id, takedown_consent_ref, takedown_handle)
                        values ($1, $2, $3, $4, $5, $6, true, $7, now(), $8, $9, $10)""")
                        .execute(Tuple.from(new Object[] { UUID.randomUUID(), UUID.fromString(ref.getCaseId()), request.getCategory(),
                                reporter, request.getAnonymous(), request.getTrustedFlagger(), explanation,
                                takedown == null ? null : takedown.getUseId(), takedown == null ? null : blankToNull(takedown.getConsentReferenceId()),
                                takedown == null ? null : blankToNull(takedown.getHandle()) })))
                .call(ref -> takedown == null ? Uni.createFrom().voidItem()
                        : conn.preparedQuery("update report_case set likeness_takedown = true where case_id = $1")
                                .execute(Tuple.of(UUID.fromString(ref.getCaseId()))).replaceWithVoid())
                .call(ref -> outbox.audit(conn, ctx, null, "report.filed", ref.getCaseId(), Decision.REVIEW, request.getCategory(),
                        Map.of("target", target.getKind() + ":" + target.getId(), "merged", Boolean.toString(ref.getMerged()),
                                "trusted_flagger", Boolean.toString(request.getTrustedFlagger())))));
    }

    /** A machine REVIEW (or BLOCK worth a human look) opens a case or joins the open one; repeats are no-ops. */
    public Uni<CaseRef> enqueue(EnqueueRequest request) {
        Target target = validTarget(request.getTarget());
        if (target.getKind() == TargetKind.CAMPAIGN) {
            throw Refusal.invalid("CAMPAIGN cases are opened by trend detection only");
        }
        return pool.withTransaction(conn -> enqueue(conn, request));
    }

    /** {@link #enqueue(EnqueueRequest)} inside the caller's transaction (trend detection opens CAMPAIGN cases so). */
    public Uni<CaseRef> enqueue(SqlConnection conn, EnqueueRequest request) {
        RequestContext ctx = request.getContext();
        Target target = validTarget(request.getTarget());
        Verdict verdict = request.getMachineVerdict();
        if (verdict.getDecision() != Decision.REVIEW && verdict.getDecision() != Decision.BLOCK) {
            throw Refusal.invalid("only REVIEW or BLOCK verdicts open cases");
        }
        // the top-scored category names the queue; on a tie the more severe one, so a rule that fires at 1.0 (a bank
        // match, frame-classifier's sexual_minors) is never queued below an equally scored lesser category
        CategoryScore top = verdict.getCategoriesList().stream()
                .max(Comparator.comparingDouble(CategoryScore::getScore).thenComparingInt(c -> severity(c.getCategory())))
                .orElse(CategoryScore.newBuilder().setCategory("other").setScore(0).build());
        String category = settings.category(top.getCategory()) == null ? "other" : top.getCategory();
        double score = Math.max(0, Math.min(1, top.getScore()));
        String prompt = target.getKind() != TargetKind.ACCOUNT && !request.getPromptText().isEmpty() ? request.getPromptText() : null;
        if (prompt != null && prompt.length() > MAX_PROMPT) {
            throw Refusal.invalid("prompt_text is longer than " + MAX_PROMPT + " characters");
        }
        return lock(conn, targetKey(target))
                .chain(() -> openCase(conn, target))
                .chain(open -> open == null
                        ? createCase(conn, target, category, "AUTOMATED", 0, 0.5, score, verdict)
                                .call(ref -> outbox.audit(conn, ctx, null, "case.opened", ref.getCaseId(), Decision.REVIEW, verdict.getReason(),
                                        Map.of("source", verdict.getSource(), "rule", verdict.getRuleId(), "category", category)))
                        : attachVerdict(conn, open, score, verdict))
                .call(ref -> keepPrompt(conn, ref, prompt));
    }

    /**
     * The case a generation's dispute belongs to, inside the dispute's transaction: the job's open case (a held prompt
     * already waits for a moderator) or a new one of source DISPUTE in the verdict's category queue.
     */
    public Uni<CaseRef> caseForDispute(SqlConnection conn, RequestContext ctx, Target target, Verdict verdict, String prompt) {
        String category = topCategory(verdict);
        double score = Math.max(0, Math.min(1, verdict.getCategoriesList().stream().mapToDouble(CategoryScore::getScore).max().orElse(0)));
        return lock(conn, targetKey(target))
                .chain(() -> openCase(conn, target))
                .chain(open -> open != null ? Uni.createFrom().item(CaseRows.ref(open, true))
                        : createCase(conn, target, category, "DISPUTE", 0, 0.5, score, verdict)
                                .call(ref -> outbox.audit(conn, ctx, null, "case.opened", ref.getCaseId(), Decision.REVIEW, "disputed by its owner",
                                        Map.of("source", "DISPUTE", "rule", verdict.getRuleId(), "category", category))))
                .call(ref -> keepPrompt(conn, ref, prompt));
    }

    /** The prompt a label will be about; the first one forwarded stays. */
    private static Uni<Void> keepPrompt(SqlConnection conn, CaseRef ref, String prompt) {
        return prompt == null ? Uni.createFrom().voidItem()
                : conn.preparedQuery("update report_case set prompt_text = $2 where case_id = $1 and prompt_text is null")
                        .execute(Tuple.of(UUID.fromString(ref.getCaseId()), prompt)).replaceWithVoid();
    }

    private String topCategory(Verdict verdict) {
        CategoryScore top = verdict.getCategoriesList().stream()
                .max(Comparator.comparingDouble(CategoryScore::getScore).thenComparingInt(c -> severity(c.getCategory())))
                .orElse(CategoryScore.newBuilder().setCategory("other").setScore(0).build());
        return settings.category(top.getCategory()) == null ? "other" : top.getCategory();
    }

    private int severity(String category) {
        ReportSettings.Category c = settings.category(category);
        return c == null ? 0 : c.severity();
    }

    private Uni<CaseRef> createCase(SqlConnection conn, Target target, String category, String source, int reports, double trust,
            double machineScore, Verdict verdict) {
        ReportSettings.Category c = settings.category(category);
        double priority = Priority.of(c.severity(), reports, trust, machineScore, target.getViews());
        return conn.preparedQuery("""
                insert into report_case (case_id, target_kind, target_id, owner_account, category, queue, state, source,
                    report_count, max_reporter_trust, machine_score, machine_verdict, views, priority, created_at, sla_due_at)
                values ($1, $2, $3, $4, $5, $5, 'OPEN', $6, $7, $8, $9, $10, $11, $12, now(), now() + make_interval(secs => $13))
                returning *""")
                .execute(Tuple.from(new Object[] { UUID.randomUUID(), target.getKind().name(), target.getId(), owner(target), category,
                        source, reports, trust, machineScore, verdict == null ? null : io.vertx.core.buffer.Buffer.buffer(verdict.toByteArray()),
                        target.getViews(), priority, (double) c.sla().toSeconds() }))
                .map(rows -> CaseRows.ref(rows.iterator().next(), false));
    }

    /** A new report on an open case: count, trust, severity (the most severe category wins) and priority go up. */
    private Uni<CaseRef> mergeReport(SqlConnection conn, Row open, String category, double trust) {
        String caseCategory = open.getString("category");
        if (settings.category(category).severity() > settings.category(caseCategory).severity()) {
            caseCategory = category;
        }
        int reports = open.getInteger("report_count") + 1;
        double maxTrust = Math.max(trust, open.getDouble("max_reporter_trust"));
        long views = open.getLong("views");
        double priority = Priority.of(settings.category(caseCategory).severity(), reports, maxTrust, open.getDouble("machine_score"), views);
        return conn.preparedQuery("""
                update report_case set report_count = $2, max_reporter_trust = $3, category = $4,
                    queue = case when state = 'OPEN' then $4 else queue end, priority = $5, version = version + 1
                where case_id = $1 returning *""")
                .execute(Tuple.of(open.getUUID("case_id"), reports, maxTrust, caseCategory, priority))
                .map(rows -> CaseRows.ref(rows.iterator().next(), true));
    }

    private Uni<CaseRef> attachVerdict(SqlConnection conn, Row open, double score, Verdict verdict) {
        if (score <= open.getDouble("machine_score")) {
            return Uni.createFrom().item(CaseRows.ref(open, true));
        }
        double priority = Priority.of(settings.category(open.getString("category")).severity(), open.getInteger("report_count"),
                open.getDouble("max_reporter_trust"), score, open.getLong("views"));
        return conn.preparedQuery("""
                update report_case set machine_score = $2, machine_verdict = $3, priority = $4, version = version + 1
                where case_id = $1 returning *""")
                .execute(Tuple.of(open.getUUID("case_id"), score, io.vertx.core.buffer.Buffer.buffer(verdict.toByteArray()), priority))
                .map(rows -> CaseRows.ref(rows.iterator().next(), true));
    }

    private static Uni<Void> refuseRepeat(SqlConnection conn, Row open, String reporter) {
        return conn.preparedQuery("select 1 from report where case_id = $1 and reporter = $2")
                .execute(Tuple.of(open.getUUID("case_id"), reporter))
                .invoke(rows -> {
                    if (rows.iterator().hasNext()) {
                        throw Refusal.duplicate("you have already reported this; its case " + open.getUUID("case_id") + " is open");
                    }
                }).replaceWithVoid();
    }

    private static Uni<Row> openCase(SqlConnection conn, Target target) {
        return conn.preparedQuery("select * from report_case where target_kind = $1 and target_id = $2 and state <> 'DECIDED'")
                .execute(Tuple.of(target.getKind().name(), target.getId()))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
    }

    private static Uni<Double> reporterTrust(SqlConnection conn, String reporter, boolean trustedFlagger) {
        if (trustedFlagger) {
            return Uni.createFrom().item(1.0);
        }
        return conn.preparedQuery("select upheld, rejected from reporter_record where reporter = $1").execute(Tuple.of(reporter))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Priority.trust(0, 0);
                    }
                    Row r = rows.iterator().next();
                    return Priority.trust(r.getInteger("upheld"), r.getInteger("rejected"));
                });
    }

    public static Uni<Void> lock(SqlConnection conn, String key) {
        return conn.preparedQuery("select pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of(key)).replaceWithVoid();
    }

    private static String targetKey(Target t) {
        return "target:" + t.getKind() + ":" + t.getId();
    }

    private static String owner(Target t) {
        return t.getKind() == TargetKind.ACCOUNT ? t.getId() : t.getOwnerAccountId().isBlank() ? null : t.getOwnerAccountId();
    }

    private static Target validTarget(Target target) {
        if (target.getKind() == TargetKind.TARGET_KIND_UNSPECIFIED || target.getKind() == TargetKind.UNRECOGNIZED) {
            throw Refusal.invalid("target.kind must be CONTENT, ACCOUNT, PROMPT or CAMPAIGN");
        }
        Refusal.requireText(target.getId(), "target.id", 200);
        if (target.getViews() < 0) {
            throw Refusal.invalid("target.views must not be negative");
        }
        return target;
    }

    /** The takedown references, checked for shape only: the gateway has already matched the use to the caller's cameo. */
    private static LikenessTakedown likenessTakedown(FileReportRequest request) {
        if (!request.hasLikenessTakedown()) {
            return null;
        }
        LikenessTakedown t = request.getLikenessTakedown();
        Refusal.requireText(t.getUseId(), "likeness_takedown.use_id", 64);
        if (t.getConsentReferenceId().length() > 64 || t.getHandle().length() > 64) {
            throw Refusal.invalid("likeness_takedown.consent_reference_id and .handle are at most 64 characters");
        }
        if (request.getTarget().getKind() != TargetKind.CONTENT) {
            throw Refusal.invalid("a likeness takedown is about content (the published video)");
        }
        return t;
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s;
    }

    private ReportSettings.Category knownCategory(String code) {
        ReportSettings.Category c = code == null ? null : settings.category(code);
        if (c == null) {
            throw Refusal.invalid("unknown category '" + code + "'; one of " + new java.util.TreeSet<>(settings.categories().keySet()));
        }
        return c;
    }
}
