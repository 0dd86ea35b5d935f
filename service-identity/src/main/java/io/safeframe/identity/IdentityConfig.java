package io.safeframe.identity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Service identity settings ({@code safeframe.identity.*}); see docs/service-identity.md. The callee owns its
 * allow-list: which service may call which of its RPCs.
 */
@ConfigMapping(prefix = "safeframe.identity")
public interface IdentityConfig {

    /** This service's name, as in its certificate's CN. */
    @WithDefault("${quarkus.application.name}")
    String serviceName();

    /**
     * Where this service's tls.crt, tls.key and ca.crt are (a cert-manager Secret's layout); the TLS settings of the
     * HTTP server and the gRPC clients point into it.
     */
    Optional<String> dir();

    /** {@code false}: refusals are audited but the call goes on (a migration aid, never in prod). */
    @WithDefault("true")
    boolean enforce();

    /**
     * Full gRPC method name (quoted key, e.g. {@code "safeframe.v1.PolicyService/LiftSanction"}) → the services that
     * may call it. A method that is not listed is refused to everyone.
     */
    Map<String, List<String>> allow();

    /**
     * Full gRPC method name → the services that may pass on someone else's actor without an actor token, because
     * they deliver a decision taken earlier (report-service's outbox: a moderator's sanction, minutes later).
     */
    Map<String, List<String>> relay();

    /** The services whose signed actor tokens establish a user as the actor: the one that verifies users' logins. */
    @WithDefault("gateway-service")
    List<String> tokenIssuers();

    /**
     * Callers that may call any RPC as anyone: only for a module's own tests (its "self" client), and refused at
     * start in the prod profile.
     */
    Optional<List<String>> trustedCallers();

    /** The longest life an actor token may claim. */
    @WithDefault("60s")
    Duration tokenTtl();

    /**
     * Client side: this service's private key (PKCS#8 PEM; its TLS key) to sign actor tokens with. Only the
     * token issuers set it; without it no token is attached.
     */
    Optional<String> tokenKey();
}
