package io.safeframe.policy.lifecycle;

/** Where a policy version is in its life; stored by name in policy_version.state. */
public enum Stage {
    DRAFT, APPROVED, SHADOW, CANARY, LIVE, RETIRED
}
