package io.safeframe.policy.lifecycle;

/**
 * The schema check of a policy kind that policy-service applies itself (usage tiers): run when a version is drafted,
 * so the store never holds a document its owner would refuse. Kinds applied by other services are checked by their
 * own loader before the gateway drafts them.
 */
public interface DocumentCheck {

    String kind();

    /** Fails with {@link PolicyStore.InvalidDocument} and the reason when the document would be refused. */
    io.smallrye.mutiny.Uni<Void> check(String documentJson);
}
