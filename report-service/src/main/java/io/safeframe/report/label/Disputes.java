package io.safeframe.report.label;

import java.util.Map;
import java.util.UUID;

import io.safeframe.api.v1.CaseRef;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DisputeRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.api.v1.Verdict;
import io.safeframe.report.Refusal;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.intake.ReportIntake;
import io.safeframe.report.notice.Notices;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * "This was wrong": the owner of a blocked or held generation disputes the machine's verdict. The gateway has checked
 * that the caller owns the job and that a check blocked or held it. A held job already waits in its case; the dispute
 * joins it. A blocked job has none; the dispute opens one (source DISPUTE) in the verdict's category queue. Either way
 * the moderator's ordinary decision resolves it and becomes a label ({@link Labels#decided}).
 */
@ApplicationScoped
public class Disputes {

    public static final int MAX_REASON = 500;
    static final int MAX_PROMPT = 4000;

    private final Pool pool;
    private final ReportIntake intake;
    private final Outbox outbox;
    private final Notices notices;

    public Disputes(Pool pool, ReportIntake intake, Outbox outbox, Notices notices) {
        this.pool = pool;
        this.intake = intake;
        this.outbox = outbox;
        this.notices = notices;
    }

    public Uni<CaseRef> dispute(DisputeRequest request) {
        RequestContext ctx = request.getContext();
        String account = Refusal.requireText(ctx.getAccountId(), "context.account_id", 200);
        Target target = request.getTarget();
        if (target.getKind() != TargetKind.PROMPT && target.getKind() != TargetKind.CONTENT) {
            throw Refusal.invalid("a dispute is about a generation (target.kind PROMPT or CONTENT, id = the job id)");
        }
        String jobId = Refusal.requireText(target.getId(), "target.id", 200);
        if (!account.equals(target.getOwnerAccountId())) {
            throw Refusal.forbidden("only the owner of a generation disputes its verdict");
        }
        if (request.getReason().length() > MAX_REASON) {
            throw Refusal.invalid("reason is longer than " + MAX_REASON + " characters");
        }
        if (request.getPromptText().length() > MAX_PROMPT) {
            throw Refusal.invalid("prompt_text is longer than " + MAX_PROMPT + " characters");
        }
        String stage = target.getKind() == TargetKind.CONTENT ? "VIDEO" : "PROMPT";
        Verdict verdict = request.getMachineVerdict();
        if (verdict.getDecision() != Decision.REVIEW && verdict.getDecision() != Decision.BLOCK) {
            throw Refusal.invalid("only a blocked or held generation can be disputed (machine_verdict REVIEW or BLOCK)");
        }
        String reason = request.getReason().isBlank() ? null : request.getReason();
        String prompt = request.getPromptText().isEmpty() ? null : request.getPromptText();
        return pool.withTransaction(conn -> ReportIntake.lock(conn, "dispute:" + jobId)
                .chain(() -> conn.preparedQuery("select 1 from dispute where job_id = $1").execute(Tuple.of(jobId)))
                .invoke(rows -> {
                    if (rows.iterator().hasNext()) {
                        throw Refusal.duplicate("generation " + jobId + " has already been disputed; a generation is disputed once");
                    }
                })
                .chain(() -> intake.caseForDispute(conn, ctx, target, verdict, prompt))
                .call(ref -> conn.preparedQuery("""
                        insert into dispute (dispute_id, case_id, job_id, account, reason, stage, state, created_at)
                        values ($1, $2, $3, $4, $5, $6, 'OPEN', now())""")
                        .execute(Tuple.from(new Object[] { UUID.randomUUID(), UUID.fromString(ref.getCaseId()), jobId, account, reason, stage })))
                .call(ref -> notices.tell(conn, account, "DISPUTE_FILED", UUID.fromString(ref.getCaseId()), null, null,
                        "We received your dispute", new JsonObject().put("job_id", jobId)
                                .put("next", "A moderator reviews the generation; you get the outcome as a notice.")))
                .call(ref -> outbox.audit(conn, ctx, account, "dispute.filed", jobId, Decision.REVIEW, "owner disputes the verdict",
                        Map.of("case_id", ref.getCaseId(), "stage", stage, "policy_version", verdict.getPolicyVersion(),
                                "machine_decision", verdict.getDecision().name(), "merged", Boolean.toString(ref.getMerged())))));
    }
}
