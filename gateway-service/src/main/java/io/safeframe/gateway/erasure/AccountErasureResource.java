package io.safeframe.gateway.erasure;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.StaffContext;
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
 * The admin's erasure route, for requests that reach the platform another way (support, the data protection officer,
 * an account its holder can no longer sign in to). Account holders erase themselves at {@code DELETE /v1/me}. The
 * reason is audited, so it may not name the account: the audit log must not keep what is being erased.
 */
@Path("/v1/admin/accounts/{accountId}/erase")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AccountErasureResource {

    @RegisterForReflection
    public record EraseBody(String reason) {
    }

    static final int MAX_ACCOUNT_ID = 256;
    private static final int MAX_REASON = 1000;

    private final AccountEraser eraser;
    private final SecurityIdentity identity;

    public AccountErasureResource(AccountEraser eraser, SecurityIdentity identity) {
        this.eraser = eraser;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Erase an account's personal data in every service (GDPR Art. 17); idempotent, 503 when a service is away (retry)")
    public Uni<Map<String, Object>> erase(@PathParam("accountId") String accountId, EraseBody body,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        String account = accountId(accountId);
        if (body == null) {
            throw ApiException.badRequest("a JSON body with a reason is required");
        }
        String reason = PromptText.requireText(body.reason(), "reason", MAX_REASON);
        if (reason.contains(account)) {
            throw ApiException.badRequest("the reason is audited and must not name the account being erased");
        }
        return eraser.erase(StaffContext.of(identity, correlationId), account, "an admin's erasure: " + reason);
    }

    static String accountId(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > MAX_ACCOUNT_ID || !raw.strip().equals(raw)) {
            throw ApiException.badRequest("accountId must be 1-" + MAX_ACCOUNT_ID + " characters without surrounding spaces");
        }
        return raw;
    }
}
