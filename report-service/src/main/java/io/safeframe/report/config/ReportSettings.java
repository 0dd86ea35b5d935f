package io.safeframe.report.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything about reports that is policy rather than code: the category taxonomy (the guards' codes) with
 * severity, SLA and DSA category; reporting limits; leases; the appeal window; the strike escalation rule.
 */
@ConfigMapping(prefix = "safeframe.report")
public interface ReportSettings {

    /** Category code (the same codes prompt-guard and frame-classifier emit) → how it is handled. */
    Map<String, Category> categories();

    interface Category {
        /** 1 (minor) … 10 (most harmful); the main input of a case's priority. */
        int severity();

        /** Time by which a case should be decided. */
        Duration sla();

        /** EU DSA Transparency Database category, e.g. STATEMENT_CATEGORY_PROTECTION_OF_MINORS. */
        String dsaCategory();

        /** ILLEGAL_CONTENT or INCOMPATIBLE_WITH_TERMS: the default ground offered to the moderator. */
        @WithDefault("INCOMPATIBLE_WITH_TERMS")
        String groundType();

        /**
         * DSA Art. 16(2)(c): a notice must carry the notifier's name and e-mail except for child sexual abuse
         * offences; only such categories accept anonymous reports.
         */
        @WithDefault("false")
        boolean anonymousAllowed();
    }

    /** Reports one reporter may file per hour (notice-and-action spam guard). */
    @WithDefault("20")
    int reportsPerHour();

    @WithDefault("PT5M")
    Duration defaultLease();

    @WithDefault("PT1H")
    Duration maxLease();

    /** Priority points an open case gains per hour of waiting, so nothing starves. */
    @WithDefault("0.5")
    double agePriorityPerHour();

    /** DSA Art. 20(1): complaints possible for at least six months after the decision. */
    @WithDefault("P183D")
    Duration appealWindow();

    @WithDefault("P3650D")
    Duration maxSuspension();

    Strikes strikes();

    interface Strikes {
        /** This many unreversed strikes within the window … */
        @WithDefault("3")
        int threshold();

        @WithDefault("P90D")
        Duration window();

        /** … suspend the account for this long. */
        @WithDefault("P7D")
        Duration suspension();
    }

    /** Where users learn how to contest a decision (Art. 17(3)(f)). */
    @WithDefault("Appeal within 6 months in the app (POST /v1/appeals) - a different moderator reviews it (DSA Art. 20); you may also use an out-of-court dispute settlement body (Art. 21) or the courts.")
    String redress();

    Optional<String> platformName();

    default Category category(String code) {
        return categories().get(code);
    }
}
