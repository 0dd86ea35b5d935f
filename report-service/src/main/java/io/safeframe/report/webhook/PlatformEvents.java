package io.safeframe.report.webhook;

import java.util.UUID;

import io.safeframe.api.v1.Action;
import io.safeframe.api.v1.StatementOfReasons;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What the platform is told, and when (docs/webhooks.md lists the types and fields): the one place that turns a
 * decision or an appeal outcome into webhook events. Called inside the decision's or the resolution's transaction.
 */
@ApplicationScoped
public class PlatformEvents {

    public static final String DECISION_MADE = "decision.made";
    public static final String CONTENT_REMOVED = "content.removed";
    public static final String CONTENT_AGE_RESTRICTED = "content.age_restricted";
    public static final String ACCOUNT_SANCTIONED = "account.sanctioned";
    public static final String SANCTION_LIFTED = "sanction.lifted";
    public static final String APPEAL_RESOLVED = "appeal.resolved";

    private final WebhookEvents events;

    public PlatformEvents(WebhookEvents events) {
        this.events = events;
    }

    /**
     * Every decision (decision.made), and what it did: a takedown (content.removed / content.age_restricted), a
     * suspension or ban, also one a strike escalated to (account.sanctioned).
     */
    public Uni<Void> decided(SqlConnection conn, Row caseRow, UUID decisionId, Action action, Action escalatedTo,
            long suspensionSeconds, long escalatedSeconds, StatementOfReasons statement) {
        String account = caseRow.getString("owner_account");
        JsonObject target = new JsonObject().put("kind", caseRow.getString("target_kind")).put("id", caseRow.getString("target_id"));
        JsonObject decision = new JsonObject().put("decisionId", decisionId.toString())
                .put("caseId", caseRow.getUUID("case_id").toString()).put("action", action.name()).put("target", target)
                .put("account", account).put("category", statement.getCategory()).put("groundType", statement.getGroundType())
                .put("ground", statement.getGround()).put("automatedDetection", statement.getAutomatedDetection())
                .put("escalatedTo", escalatedTo == null ? null : escalatedTo.name());
        Uni<Void> out = events.record(conn, DECISION_MADE, decision);
        if (action == Action.REMOVE_CONTENT || action == Action.AGE_RESTRICT) {
            out = out.chain(() -> events.record(conn, action == Action.REMOVE_CONTENT ? CONTENT_REMOVED : CONTENT_AGE_RESTRICTED,
                    new JsonObject().put("decisionId", decisionId.toString()).put("target", target).put("account", account)));
        }
        Action sanction = action == Action.SUSPEND_ACCOUNT || action == Action.BAN_ACCOUNT ? action : escalatedTo;
        if (sanction != null) {
            long seconds = action == Action.SUSPEND_ACCOUNT ? suspensionSeconds : sanction == Action.SUSPEND_ACCOUNT ? escalatedSeconds : 0;
            out = out.chain(() -> events.record(conn, ACCOUNT_SANCTIONED, new JsonObject().put("decisionId", decisionId.toString())
                    .put("account", account).put("kind", sanction == Action.BAN_ACCOUNT ? "BAN" : "SUSPEND")
                    .put("durationSeconds", seconds).put("byStrikes", action == Action.STRIKE)));
        }
        return out;
    }

    /** An appeal's outcome (appeal.resolved); a reversal that lifts a sanction also sends sanction.lifted. */
    public Uni<Void> appealResolved(SqlConnection conn, Row decisionRow, UUID appealId, boolean reversed, boolean sanctionLifted,
            String reason) {
        String account = decisionRow.getString("affected_account");
        String decisionId = decisionRow.getUUID("decision_id").toString();
        Action action = Action.valueOf(decisionRow.getString("action"));
        JsonArray effects = new JsonArray();
        if (reversed) {
            if (action == Action.REMOVE_CONTENT || action == Action.AGE_RESTRICT) {
                effects.add("content.restored");
            }
            if (sanctionLifted) {
                effects.add(SANCTION_LIFTED);
            }
            if (action == Action.STRIKE) {
                effects.add("strike.reversed");
            }
        }
        Uni<Void> out = events.record(conn, APPEAL_RESOLVED, new JsonObject().put("appealId", appealId.toString())
                .put("decisionId", decisionId).put("account", account).put("outcome", reversed ? "REVERSED" : "UPHELD")
                .put("reason", reason).put("target", new JsonObject().put("kind", decisionRow.getString("target_kind"))
                        .put("id", decisionRow.getString("target_id")))
                .put("effects", effects));
        if (reversed && sanctionLifted) {
            out = out.chain(() -> events.record(conn, SANCTION_LIFTED, new JsonObject().put("account", account)
                    .put("decisionId", decisionId).put("appealId", appealId.toString())));
        }
        return out;
    }
}
