package io.safeframe.gateway.ratelimit;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.safeframe.gateway.internal.BodyLimit;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Per-client rate limits, answered with 429 and Retry-After:
 * <ul>
 * <li>every request, per client address, before its body is read (a flood from one address);</li>
 * <li>public uploads ({@code POST /v1/verify}), per client address, much tighter (each costs a decode);</li>
 * <li>every authenticated API call, per account, after the token is verified (one account spread over many
 * addresses; keyed by the verified subject, so nobody can spend another account's tokens).</li>
 * </ul>
 * The client address is the connection's peer, or the forwarded one only where quarkus.http.proxy trusts the proxy.
 * The Ingress applies the same per-address limits in front (deploy/), so most floods never reach a pod; these are
 * the ones that hold when it does not, and the only per-account one.
 */
@ApplicationScoped
public class RateLimits {

    private final TokenBuckets perAddress;
    private final TokenBuckets uploadsPerAddress;
    private final TokenBuckets perAccount;
    private final CurrentIdentityAssociation identities;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public RateLimits(CurrentIdentityAssociation identities, io.micrometer.core.instrument.MeterRegistry meters,
            @ConfigProperty(name = "safeframe.rate-limit.address.per-second") double addressRate,
            @ConfigProperty(name = "safeframe.rate-limit.address.burst") int addressBurst,
            @ConfigProperty(name = "safeframe.rate-limit.upload.per-second") double uploadRate,
            @ConfigProperty(name = "safeframe.rate-limit.upload.burst") int uploadBurst,
            @ConfigProperty(name = "safeframe.rate-limit.account.per-second") double accountRate,
            @ConfigProperty(name = "safeframe.rate-limit.account.burst") int accountBurst,
            @ConfigProperty(name = "safeframe.rate-limit.max-keys") int maxKeys) {
        this.identities = identities;
        this.meters = meters;
        this.perAddress = new TokenBuckets(addressRate, addressBurst, maxKeys, System::nanoTime);
        this.uploadsPerAddress = new TokenBuckets(uploadRate, uploadBurst, maxKeys, System::nanoTime);
        this.perAccount = new TokenBuckets(accountRate, accountBurst, maxKeys, System::nanoTime);
    }

    void install(@Observes Router router) {
        // after BodyLimit (-1000): a body that is too large is refused for that reason first
        router.route().order(-900).handler(this::byAddress);
    }

    private void byAddress(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.startsWith("/q/") || isGrpc(rc)) {
            rc.next();
            return;
        }
        String address = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().host();
        TokenBuckets.Decision decision = perAddress.take(address);
        String bucket = "address";
        if (decision.allowed() && rc.request().method() == HttpMethod.POST && BodyLimit.UPLOAD_PATH.equals(path)) {
            decision = uploadsPerAddress.take(address);
            bucket = "upload";
        }
        if (decision.allowed()) {
            rc.next();
            return;
        }
        meters.counter("safeframe.rate.limited", "bucket", bucket).increment();
        JsonObject problem = new JsonObject().put("type", "https://safeframe.dev/problems/rate-limited").put("title", "Too many requests")
                .put("status", 429).put("detail", "too many requests from this address; retry in " + decision.retryAfterSeconds() + " s")
                .put("correlationId", CorrelationId.of(rc.request()));
        rc.response().setStatusCode(429).putHeader("Content-Type", "application/problem+json")
                .putHeader("Retry-After", Long.toString(decision.retryAfterSeconds())).end(problem.encode());
    }

    private static boolean isGrpc(RoutingContext rc) {
        String type = rc.request().getHeader("Content-Type");
        return type != null && type.startsWith("application/grpc");
    }

    @ServerRequestFilter
    public Uni<Response> byAccount(ContainerRequestContext ctx) {
        return identities.getDeferredIdentity().map(identity -> {
            if (identity.isAnonymous()) {
                return null;
            }
            TokenBuckets.Decision decision = perAccount.take(identity.getPrincipal().getName());
            if (decision.allowed()) {
                return null;
            }
            meters.counter("safeframe.rate.limited", "bucket", "account").increment();
            return Response.fromResponse(Problem.response(429, "rate-limited", "Too many requests",
                    "too many requests from this account; retry in " + decision.retryAfterSeconds() + " s", ctx.getHeaderString(CorrelationId.HEADER)))
                    .header("Retry-After", decision.retryAfterSeconds()).build();
        });
    }
}
