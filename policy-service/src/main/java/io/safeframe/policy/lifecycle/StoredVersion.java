package io.safeframe.policy.lifecycle;

import java.time.Instant;
import java.util.List;

import io.vertx.mutiny.sqlclient.Row;

/** One row of policy_version, with its transitions when they were read. */
public record StoredVersion(String kind, int version, Stage stage, String document, String label, String author,
        String reason, String approvedBy, Instant createdAt, Instant updatedAt, boolean rollbackNeedsReview,
        List<Transition> history) {

    public record Transition(Stage from, Stage to, String actor, String reason, Instant at, boolean emergency) {

        static Transition of(Row row) {
            String from = row.getString("from_state");
            return new Transition(from == null ? null : Stage.valueOf(from), Stage.valueOf(row.getString("to_state")),
                    row.getString("actor"), row.getString("reason"), row.getOffsetDateTime("at").toInstant(),
                    row.getBoolean("emergency"));
        }
    }

    static final String COLUMNS = "kind, version, state, document::text as document, label, author, reason, approved_by, "
            + "created_at, updated_at, rollback_needs_review";

    static StoredVersion of(Row row) {
        return new StoredVersion(row.getString("kind"), row.getInteger("version"), Stage.valueOf(row.getString("state")),
                row.getString("document"), row.getString("label"), row.getString("author"), row.getString("reason"),
                row.getString("approved_by"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getBoolean("rollback_needs_review"), List.of());
    }

    StoredVersion withHistory(List<Transition> transitions) {
        return new StoredVersion(kind, version, stage, document, label, author, reason, approvedBy, createdAt, updatedAt,
                rollbackNeedsReview, List.copyOf(transitions));
    }

    public String target() {
        return "policy:" + kind + "/v" + version;
    }
}
