package io.safeframe.policy.anomaly;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "safeframe.anomaly")
public interface AnomalyThresholds {

    @WithDefault("PT1M")
    Duration window();

    /** Weight of the newest window in the moving average. */
    @WithDefault("0.3")
    double alpha();

    /** A window must stand this many deviations above the account's own baseline ... */
    @WithDefault("4.0")
    double zScore();

    /** ... and reach at least this count (per signal), so a quiet account's first few events never flag. */
    Map<String, Integer> minCount();

    /** How long a flagged account stays on the stricter policy. */
    @WithDefault("PT1H")
    Duration throttleFor();
}
