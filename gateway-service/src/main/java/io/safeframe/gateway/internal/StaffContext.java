package io.safeframe.gateway.internal;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.RequestContext;

/** The context of a moderator's or admin's call: the token's subject is the actor, under the request's correlation id. */
public final class StaffContext {

    private StaffContext() {
    }

    public static RequestContext of(SecurityIdentity identity, String correlationId) {
        return RequestContext.newBuilder().setActor(identity.getPrincipal().getName()).setCorrelationId(correlationId).build();
    }
}
