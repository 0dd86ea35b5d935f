package io.safeframe.gateway.report;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the reporting, appeal and moderation endpoints; unknown fields are refused. */
public final class ReportBodies {

    private ReportBodies() {
    }

    /** targetType: "content" (a generation id) or "account". */
    @RegisterForReflection
    public record ReportBody(String targetType, String targetId, String category, String explanation, Boolean anonymous,
            Boolean goodFaith) {
    }

    @RegisterForReflection
    public record AppealBody(String decisionId, String explanation) {
    }

    /**
     * action: NO_ACTION, REMOVE_CONTENT, AGE_RESTRICT, STRIKE, SUSPEND_ACCOUNT, BAN_ACCOUNT. groundType:
     * ILLEGAL_CONTENT or INCOMPATIBLE_WITH_TERMS (default from the category). caseVersion: the version shown.
     */
    @RegisterForReflection
    public record DecisionBody(String action, Long suspensionSeconds, String facts, String ground, String groundType, Long caseVersion) {
    }

    /** outcome: REVERSE or UPHOLD. */
    @RegisterForReflection
    public record ResolutionBody(String outcome, String reason) {
    }
}
