package io.safeframe.report.label;

import java.util.UUID;

import com.google.protobuf.InvalidProtocolBufferException;

import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.LabelList;
import io.safeframe.api.v1.LabelsRequest;
import io.safeframe.api.v1.SafetyLabel;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.api.v1.Verdict;
import io.safeframe.report.Refusal;
import io.safeframe.report.notice.Notices;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Human judgements become labels, written in the transaction of the judgement itself: a moderator's decision on a
 * prompt or content case (source {@code dispute} when the owner disputed it, else {@code moderator_decision}) and an
 * appeal's outcome ({@code appeal}). ALLOW means "not violating", BLOCK "violating"; the policy version is the one the
 * machine verdict was made under, so a label says which rules it agrees or disagrees with.
 */
@ApplicationScoped
public class Labels {

    public static final String DISPUTE = "dispute";
    public static final String MODERATOR_DECISION = "moderator_decision";
    public static final String APPEAL = "appeal";
    public static final String LABELLING = "labelling";

    private final Pool pool;
    private final Notices notices;

    public Labels(Pool pool, Notices notices) {
        this.pool = pool;
        this.notices = notices;
    }

    /** Only items a model judges have labels: prompts and content (accounts and campaigns are about behaviour). */
    static boolean labelled(String targetKind) {
        return "PROMPT".equals(targetKind) || "CONTENT".equals(targetKind);
    }

    /** c: the case row (locked by the decision); resolves the case's open dispute, if any, and tells its owner. */
    public Uni<Void> decided(SqlConnection conn, Row c, UUID decisionId, Action action, StatementOfReasons statement, String moderator) {
        if (!labelled(c.getString("target_kind"))) {
            return Uni.createFrom().voidItem();
        }
        UUID caseId = c.getUUID("case_id");
        Verdict machine = machineVerdict(c);
        String decision = action == Action.NO_ACTION ? "ALLOW" : "BLOCK";
        return conn.preparedQuery("""
                update dispute set state = 'RESOLVED', decision_id = $2, resolved_at = now()
                where case_id = $1 and state = 'OPEN' returning account, job_id""")
                .execute(Tuple.of(caseId, decisionId))
                .chain(disputes -> {
                    Row dispute = disputes.iterator().hasNext() ? disputes.iterator().next() : null;
                    String source = dispute != null ? DISPUTE : MODERATOR_DECISION;
                    Uni<Void> label = insert(conn, source, caseId, decisionId, null, c.getString("target_kind"), c.getString("target_id"),
                            c.getString("owner_account"), c.getString("prompt_text"),
                            statement.getCategory().isEmpty() ? c.getString("category") : statement.getCategory(), decision, action.name(),
                            rationale(statement), machine, moderator);
                    if (dispute == null) {
                        return label;
                    }
                    boolean upheld = machine != null && !machine.getDecision().name().equals(decision);
                    return label.chain(() -> notices.tell(conn, dispute.getString("account"), "DISPUTE_OUTCOME", caseId, decisionId, null,
                            upheld ? "Your dispute was upheld: the check was wrong" : "Your dispute was reviewed: the check stands",
                            new JsonObject().put("job_id", dispute.getString("job_id")).put("decision_id", decisionId.toString())
                                    .put("outcome", upheld ? "UPHELD" : "NOT_UPHELD").put("ground", statement.getGround())
                                    .put("redress", statement.getRedress())));
                });
    }

    /** d: the decision row joined with its appeal (Appeals#resolve); the appeal's outcome relabels the item. */
    public Uni<Void> appealResolved(SqlConnection conn, Row d, UUID appealId, boolean reversed, String reason, String moderator) {
        if (!labelled(d.getString("target_kind"))) {
            return Uni.createFrom().voidItem();
        }
        boolean violating = !Action.NO_ACTION.name().equals(d.getString("action"));
        String decision = violating != reversed ? "BLOCK" : "ALLOW";
        return conn.preparedQuery("select * from report_case where case_id = $1").execute(Tuple.of(d.getUUID("case_id")))
                .chain(rows -> {
                    Row c = rows.iterator().next();
                    return insert(conn, APPEAL, c.getUUID("case_id"), d.getUUID("decision_id"), appealId, c.getString("target_kind"),
                            c.getString("target_id"), c.getString("owner_account"), c.getString("prompt_text"), d.getString("category"),
                            decision, reversed ? "REVERSED" : "UPHELD", reason, machineVerdict(c), moderator);
                });
    }

    /** item: a labelling_item row just labelled (LabellingQueue); a judgement about a prompt, with no case. */
    Uni<Void> labelled(SqlConnection conn, Row item, String category, boolean unsafe, String note, String moderator) {
        Verdict machine = Verdict.newBuilder().setDecision(io.safeframe.api.v1.Decision.valueOf(item.getString("machine_decision")))
                .setPolicyVersion(item.getString("policy_version") == null ? "" : item.getString("policy_version")).build();
        return insert(conn, LABELLING, null, null, null, "PROMPT", item.getUUID("item_id").toString(), item.getString("account"),
                item.getString("prompt_text"), category, unsafe ? "BLOCK" : "ALLOW", "LABELLED", note, machine, moderator);
    }

    private static Uni<Void> insert(SqlConnection conn, String source, UUID caseId, UUID decisionId, UUID appealId, String targetKind,
            String targetId, String account, String prompt, String category, String decision, String action, String rationale,
            Verdict machine, String by) {
        return conn.preparedQuery("""
                insert into safety_label (label_id, source, case_id, decision_id, appeal_id, target_kind, target_id, account, prompt_text,
                    category, decision, action, rationale, policy_version, machine_decision, labelled_by, labelled_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())""")
                .execute(Tuple.from(new Object[] { UUID.randomUUID(), source, caseId, decisionId, appealId, targetKind, targetId, account,
                        prompt, category, decision, action, rationale,
                        machine == null || machine.getPolicyVersion().isEmpty() ? null : machine.getPolicyVersion(),
                        machine == null ? null : machine.getDecision().name(), by }))
                .replaceWithVoid();
    }

    private static String rationale(StatementOfReasons s) {
        return s.getGround() + ": " + s.getFacts();
    }

    public static Verdict machineVerdict(Row c) {
        if (c.getBuffer("machine_verdict") == null) {
            return null;
        }
        try {
            return Verdict.parseFrom(c.getBuffer("machine_verdict").getBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored machine verdict of case " + c.getUUID("case_id") + " unreadable", e);
        }
    }

    /** Newest first, with prompt text and category: what a label consumer (active learning) reads. Staff only. */
    public Uni<LabelList> list(LabelsRequest request) {
        String source = request.getSource();
        if (!source.isEmpty() && !source.equals(DISPUTE) && !source.equals(MODERATOR_DECISION) && !source.equals(APPEAL)
                && !source.equals(LABELLING)) {
            throw Refusal.invalid("source must be dispute, moderator_decision, appeal or labelling");
        }
        if (request.getLimit() < 0 || request.getLimit() > 500) {
            throw Refusal.invalid("limit must be between 1 and 500 (0 = 100)");
        }
        int limit = request.getLimit() == 0 ? 100 : request.getLimit();
        return pool.preparedQuery("""
                select * from safety_label where ($1 = '' or source = $1) order by labelled_at desc, label_id limit $2""")
                .execute(Tuple.of(source, limit))
                .map(rows -> {
                    LabelList.Builder out = LabelList.newBuilder();
                    rows.forEach(r -> out.addLabels(label(r)));
                    return out.build();
                });
    }

    public static SafetyLabel label(Row r) {
        SafetyLabel.Builder b = SafetyLabel.newBuilder().setLabelId(r.getUUID("label_id").toString()).setSource(r.getString("source"))
                .setTargetKind(r.getString("target_kind")).setTargetId(r.getString("target_id"))
                .setCategory(r.getString("category")).setDecision(r.getString("decision")).setAction(r.getString("action"))
                .setRationale(r.getString("rationale")).setLabelledBy(r.getString("labelled_by"))
                .setLabelledAt(CaseRows.text(r.getOffsetDateTime("labelled_at")));
        if (r.getUUID("case_id") != null) {
            b.setCaseId(r.getUUID("case_id").toString());
        }
        if (r.getUUID("decision_id") != null) {
            b.setDecisionId(r.getUUID("decision_id").toString());
        }
        if (r.getUUID("appeal_id") != null) {
            b.setAppealId(r.getUUID("appeal_id").toString());
        }
        if (r.getString("account") != null) {
            b.setAccountId(r.getString("account"));
        }
        if (r.getString("prompt_text") != null) {
            b.setPromptText(r.getString("prompt_text"));
        }
        if (r.getString("policy_version") != null) {
            b.setPolicyVersion(r.getString("policy_version"));
        }
        if (r.getString("machine_decision") != null) {
            b.setMachineDecision(r.getString("machine_decision"));
        }
        return b.build();
    }
}
