package io.safeframe.report.decision;

import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.DecisionRecord;
import io.safeframe.api.v1.StatementOfReasons;
import io.safeframe.report.queue.CaseRows;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** decision rows and statements of reasons as API messages and JSON. */
public final class DecisionRows {

    private DecisionRows() {
    }

    public static DecisionRecord record(Row r) {
        DecisionRecord.Builder b = DecisionRecord.newBuilder().setDecisionId(r.getUUID("decision_id").toString())
                .setCaseId(r.getUUID("case_id").toString()).setAction(Action.valueOf(r.getString("action")))
                .setStatement(statement(r.getJsonObject("statement"))).setDecidedBy(r.getString("decided_by"))
                .setDecidedAt(CaseRows.text(r.getOffsetDateTime("decided_at")))
                .setSuspensionSeconds(r.getLong("suspension_seconds"));
        if (r.getString("escalated_to") != null) {
            b.setEscalatedTo(Action.valueOf(r.getString("escalated_to")));
        }
        if (r.getString("affected_account") != null) {
            b.setAffectedAccountId(r.getString("affected_account"));
        }
        return b.build();
    }

    public static JsonObject json(StatementOfReasons s) {
        return new JsonObject().put("facts", s.getFacts()).put("ground", s.getGround()).put("ground_type", s.getGroundType())
                .put("category", s.getCategory()).put("automated_detection", s.getAutomatedDetection())
                .put("automated_decision", s.getAutomatedDecision()).put("redress", s.getRedress());
    }

    public static StatementOfReasons statement(JsonObject j) {
        return StatementOfReasons.newBuilder().setFacts(j.getString("facts", "")).setGround(j.getString("ground", ""))
                .setGroundType(j.getString("ground_type", "")).setCategory(j.getString("category", ""))
                .setAutomatedDetection(j.getBoolean("automated_detection", false))
                .setAutomatedDecision(j.getBoolean("automated_decision", false)).setRedress(j.getString("redress", "")).build();
    }
}
