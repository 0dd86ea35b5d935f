package io.safeframe.identity.server;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.safeframe.identity.IdentityConfig;
import io.safeframe.identity.access.AllowList;
import io.safeframe.identity.actor.ActorCheck;

/** The allow-list and the actor check, built once from {@code safeframe.identity.*}. */
@ApplicationScoped
public class IdentityRules {

    @Produces
    @ApplicationScoped
    AllowList allowList(IdentityConfig config) {
        List<String> trusted = config.trustedCallers().orElse(List.of());
        // trusted callers exist for a module's own tests; in production they would be a hole in the allow-list
        if (!trusted.isEmpty() && ConfigUtils.getProfiles().contains("prod")) {
            throw new IllegalStateException("safeframe.identity.trusted-callers must not be set in the prod profile");
        }
        return new AllowList(config.allow(), trusted);
    }

    @Produces
    @ApplicationScoped
    ActorCheck actorCheck(IdentityConfig config, AllowList allowList) {
        return new ActorCheck(config.tokenIssuers(), config.relay(), allowList, config.tokenTtl(), Clock.systemUTC());
    }
}
