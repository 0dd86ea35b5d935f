package io.safeframe.gateway.admin;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.me.StandingView;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Lifting a sanction outside an appeal (an admin's correction, e.g. a suspension applied to the wrong account).
 * The reason is required and goes into the audit log with the admin as actor. Lookup is the moderators'
 * {@code GET /v1/moderation/accounts/{account}}.
 */
@Path("/v1/admin/accounts")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class SanctionAdminResource {

    @RegisterForReflection
    public record LiftBody(String reason) {
    }

    private final PolicyClient policy;
    private final SecurityIdentity identity;

    public SanctionAdminResource(PolicyClient policy, SecurityIdentity identity) {
        this.policy = policy;
        this.identity = identity;
    }

    @POST
    @Path("/{account}/sanctions/lift")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Lift the account's suspension or ban; the reason is audited")
    public Uni<Map<String, Object>> lift(@PathParam("account") String account, LiftBody body,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body with a reason is required");
        }
        RequestContext ctx = StaffContext.of(identity, correlationId).toBuilder().setAccountId(account).build();
        return policy.liftSanction(LiftSanctionRequest.newBuilder().setContext(ctx).setAccountId(account)
                .setReason(PromptText.requireText(body.reason(), "reason", 1000)).build()).map(StandingView::of);
    }
}
