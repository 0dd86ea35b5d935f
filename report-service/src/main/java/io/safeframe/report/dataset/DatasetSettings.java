package io.safeframe.report.dataset;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Dataset exports for model teams (docs/safety-data.md). */
@ConfigMapping(prefix = "safeframe.dataset")
public interface DatasetSettings {

    /**
     * Base64 key (at least 32 bytes) of the HMAC that pseudonymises account, item and label ids. Never in git for prod:
     * SAFEFRAME_DATASET_PSEUDONYM_KEY from a Secret. Without it exports are refused (ids would otherwise be raw).
     */
    Optional<String> pseudonymKey();

    /** A slice (category × decision) with fewer records than this is left out of a snapshot. */
    @WithDefault("5")
    int minSliceCount();

    /** The licence and intended use printed on every datasheet. */
    @WithDefault("Internal use by Safeframe model teams only, for training and evaluating safety classifiers and reward models; not for re-identification, not for redistribution.")
    String licence();
}
