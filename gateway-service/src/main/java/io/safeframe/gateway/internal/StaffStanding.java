package io.safeframe.gateway.internal;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.AccountState;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * A staff account under sanction has no staff powers: before any moderation or admin endpoint runs, the caller's
 * standing is read from policy-service and a suspended or banned account is refused with 403. Fails closed: when
 * the standing cannot be read, the staff call is refused with the usual 503.
 */
public class StaffStanding {

    private final PolicyClient policy;
    private final CurrentIdentityAssociation identities;

    public StaffStanding(PolicyClient policy, CurrentIdentityAssociation identities) {
        this.policy = policy;
        this.identities = identities;
    }

    @ServerRequestFilter
    public Uni<Response> staffInGoodStanding(ContainerRequestContext ctx, HttpServerRequest request) {
        String path = ctx.getUriInfo().getPath();
        if (!(path.startsWith("/v1/moderation") || path.startsWith("/v1/admin"))) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().chain(identity -> identity.isAnonymous() ? Uni.createFrom().nullItem()
                : checkStanding(identity, request));
    }

    private Uni<Response> checkStanding(SecurityIdentity identity, HttpServerRequest request) {
        String subject = identity.getPrincipal().getName();
        RequestContext about = RequestContext.newBuilder().setActor(subject).setAccountId(subject)
                .setCorrelationId(CorrelationId.of(request)).build();
        return policy.standing(about, subject).map(standing -> !restricted(standing.getState()) ? null
                : Problem.response(403, "staff-sanctioned", "Staff powers suspended",
                        "your account is " + standing.getState().name().toLowerCase(java.util.Locale.ROOT)
                                + "; staff actions are not available while a sanction is in force",
                        CorrelationId.of(request)));
    }

    private static boolean restricted(AccountState state) {
        return state == AccountState.SUSPENDED || state == AccountState.BANNED;
    }
}
