package io.safeframe.identity.client;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.safeframe.identity.actor.ActorClaims;
import io.safeframe.identity.actor.ActorToken;
import io.safeframe.identity.actor.RequestActor;

/** Mints actor tokens for one issuing service. */
public final class TokenMinter {

    private final String issuer;
    private final PrivateKey key;
    private final Duration ttl;
    private final Clock clock;

    public TokenMinter(String issuer, PrivateKey key, Duration ttl, Clock clock) {
        this.issuer = issuer;
        this.key = key;
        this.ttl = ttl;
        this.clock = clock;
    }

    public String mint(String method, RequestActor actor) {
        Instant now = clock.instant();
        return ActorToken.mint(new ActorClaims(issuer, actor.actor(), method, actor.correlationId(), now, now.plus(ttl)), key);
    }
}
