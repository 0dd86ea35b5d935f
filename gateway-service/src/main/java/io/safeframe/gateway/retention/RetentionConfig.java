package io.safeframe.gateway.retention;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** How long the gateway keeps what it keeps ({@code safeframe.retention.*}; docs/retention.md). */
@ConfigMapping(prefix = "safeframe.retention")
public interface RetentionConfig {

    /**
     * A job blocked by a safety check: its prompt, its verdict evidence and its clips (possibly the worst material
     * there is). This is also the window in which the owner can dispute the block.
     */
    Duration blocked();

    /** A published or failed job's verdict evidence (matched text, spans, normalisation steps). */
    Duration finishedEvidence();

    /** Jobs purged per transaction; a run repeats until nothing is due. */
    int batch();

    /** How often the purge runs (read by its {@code @Scheduled}); {@code off} disables it. */
    String every();
}
