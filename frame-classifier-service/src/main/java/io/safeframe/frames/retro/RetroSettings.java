package io.safeframe.frames.retro;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Retroactive enforcement: how far back a new bank entry looks, and how fast its matches become cases. */
@ConfigMapping(prefix = "safeframe.retro")
public interface RetroSettings {

    /** Clips classified within this window are matched against new bank entries. */
    @WithDefault("720h")
    Duration window();

    /** At most this many cases opened per period, over all replicas; the rest wait their turn. */
    @WithDefault("30")
    int casesPerPeriod();

    @WithDefault("1m")
    Duration period();

    /** New bank entries matched per run (each is compared with every frame in the window). */
    @WithDefault("200")
    int entriesPerRun();

    /** How often new bank entries are looked for ({@link RetroactiveMatcher}'s schedule reads the same key). */
    @WithDefault("5s")
    String matchEvery();

    /** How often pending matches become cases ({@link RetroactiveCases}'s schedule reads the same key). */
    @WithDefault("5s")
    String drainEvery();
}
