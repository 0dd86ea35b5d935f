package io.safeframe.gateway.clips;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the one {@link ClipStore} of the gateway from {@code safeframe.clips.*} and prepares its bucket at start. */
@Singleton
public class ClipStorage {

    @Produces
    @Singleton
    ClipStore clipStore(ClipsConfig config) {
        return new ClipStore(config);
    }

    void prepare(@Observes StartupEvent start, ClipStore clips) {
        clips.prepare();
    }
}
