package io.safeframe.report.queue;

import java.util.UUID;

import io.safeframe.report.Refusal;

/** Ids from outside are checked before they reach SQL. */
public final class CaseIds {

    private CaseIds() {
    }

    public static UUID parse(String id) {
        return parse(id, "case_id");
    }

    public static UUID parse(String id, String field) {
        try {
            return UUID.fromString(Refusal.requireText(id, field, 36));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(field + " is not a UUID: '" + id + "'");
        }
    }
}
