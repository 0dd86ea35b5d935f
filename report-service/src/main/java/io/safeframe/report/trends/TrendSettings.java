package io.safeframe.report.trends;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How trend detection decides (docs/trends.md): what a campaign is and when a category's rise is a spike. */
@ConfigMapping(prefix = "safeframe.trends")
public interface TrendSettings {

    Campaign campaign();

    Spike spike();

    /** Observations older than this are purged (they hold account ids). */
    @WithDefault("P1D")
    Duration retention();

    interface Campaign {
        /** How close in time the members of a campaign are. */
        @WithDefault("PT5M")
        Duration window();

        /** Distinct new accounts with near-identical content within the window that make a campaign. */
        @WithDefault("10")
        int minAccounts();

        /** An account is new while it was first seen less than this long ago. */
        @WithDefault("P7D")
        Duration newAccountAge();
    }

    interface Spike {
        /** How often a round runs ("off" in tests, which run rounds themselves). */
        @WithDefault("60s")
        String every();

        /** Weight of the newest minute in the baseline: 0.02 is a time constant of about 50 minutes. */
        @WithDefault("0.02")
        double lambda();

        /**
         * CUSUM reference value k and decision interval h, in standard deviations (Page's one-sided CUSUM). Chosen on
         * simulated Poisson minutes (20 days per rate, CusumTest has the check): with k = 0.5, h = 10 raised no false
         * spike at 0.2 to 100 flagged prompts a minute, and found a doubled rate in about 11 minutes at 3 a minute and
         * 3 minutes at 20; the textbook h = 5 raised 1.3 to 3.7 false spikes a day per category (with fifteen
         * categories, a ticket every half hour or so), h = 8 one every five to ten days per category. Doubling at 1 a minute or less is mostly below
         * the floor of sigma and is left to the campaign detector and reports.
         */
        @WithDefault("0.5")
        double k();

        @WithDefault("10")
        double h();

        /** Minutes of baseline before a category can spike. */
        @WithDefault("30")
        int warmupMinutes();

        /** Floor of the standard deviation, so a category that is almost always zero does not spike on a handful. */
        @WithDefault("1")
        double minSigma();
    }
}
