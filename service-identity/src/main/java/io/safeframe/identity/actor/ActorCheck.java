package io.safeframe.identity.actor;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.safeframe.identity.access.AllowList;
import io.safeframe.identity.peer.Caller;

/**
 * Whether the actor a request names may be believed. The callee establishes it; the caller does not assert it:
 * <ul>
 * <li>with an actor token: only a token issuer (the gateway, which verified the user's login) may present one, the
 * signature must match the caller's client certificate, and it must be current and minted for this RPC, this
 * correlation id and exactly this actor;</li>
 * <li>without one: a service may act as itself (or name no actor), and a relaying service may pass on an actor for
 * the RPCs it is listed for (report-service delivering a moderator's decision from its outbox).</li>
 * </ul>
 */
public final class ActorCheck {

    private final Set<String> issuers;
    private final Map<String, Set<String>> relays;
    private final AllowList allowList;
    private final Duration maxTtl;
    private final Clock clock;

    public ActorCheck(List<String> issuers, Map<String, List<String>> relays, AllowList allowList, Duration maxTtl, Clock clock) {
        this.issuers = Set.copyOf(issuers);
        this.relays = relays.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> unquote(e.getKey()), e -> Set.copyOf(e.getValue())));
        this.allowList = allowList;
        this.maxTtl = maxTtl;
        this.clock = clock;
    }

    /** Empty when the actor stands; otherwise why it is refused. */
    public Optional<String> refusal(Caller caller, String method, RequestActor asserted, String token) {
        if (allowList.trusted(caller.service())) {
            return Optional.empty();
        }
        if (token != null) {
            return tokenRefusal(caller, method, asserted, token);
        }
        if (asserted.actor().isEmpty() || asserted.actor().equals(caller.service())) {
            return Optional.empty();
        }
        if (relays.getOrDefault(method, Set.of()).contains(caller.service())) {
            return Optional.empty();
        }
        return Optional.of("actor '" + asserted.actor() + "' asserted by " + caller.service() + " without an actor token");
    }

    private Optional<String> tokenRefusal(Caller caller, String method, RequestActor asserted, String token) {
        if (!issuers.contains(caller.service())) {
            return Optional.of(caller.service() + " may not issue actor tokens");
        }
        ActorClaims claims;
        try {
            claims = ActorToken.verify(token, caller.publicKey(), clock.instant(), maxTtl);
        } catch (ActorToken.InvalidActorToken e) {
            return Optional.of("actor token refused: " + e.getMessage());
        }
        if (!claims.issuer().equals(caller.service())) {
            return Optional.of("actor token issued by " + claims.issuer() + " but presented by " + caller.service());
        }
        if (!claims.method().equals(method)) {
            return Optional.of("actor token minted for " + claims.method());
        }
        if (!claims.correlationId().equals(asserted.correlationId())) {
            return Optional.of("actor token minted for another request");
        }
        if (!claims.subject().equals(asserted.actor())) {
            return Optional.of("actor '" + asserted.actor() + "' differs from the actor token's '" + claims.subject() + "'");
        }
        return Optional.empty();
    }

    private static String unquote(String key) {
        return key.length() > 1 && key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }
}
