package io.safeframe.policy.tier;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tiers and their usage policies as configured at start; {@link TierCatalogue} holds the ones in force. */
@ConfigMapping(prefix = "safeframe.usage")
public interface UsagePolicies {

    Map<String, UsagePolicy> tiers();

    @WithDefault("free")
    String defaultTier();

    /** The policy an account falls back to while the anomaly detector throttles it. */
    @WithDefault("throttled")
    String throttledTier();

    /** How long a reservation may stay open before it expires and the quota comes back. */
    @WithDefault("PT15M")
    java.time.Duration reservationTtl();

    /**
     * A file of tiers (the ConfigMap in Kubernetes) that overrides {@link #tiers()} and is re-read on change. Part of
     * this mapping, not a loose property: a property under the prefix that the mapping does not declare fails
     * configuration validation at start (it did, in the prod profile).
     */
    java.util.Optional<String> tiersFile();

    /** Follow the live version of kind "tiers" in the policy store (off in %test: tests read their tiers directly). */
    @WithDefault("true")
    boolean followStore();

    /** How often the live tiers version is read (the scheduler reads this key; declared so the mapping knows it). */
    @WithDefault("5s")
    String reloadEvery();

    interface UsagePolicy {
        int generationsPerDay();

        int burstPerMinute();

        int maxVideoSeconds();

        int concurrentJobs();
    }
}
