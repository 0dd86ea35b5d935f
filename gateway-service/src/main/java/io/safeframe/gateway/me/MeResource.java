package io.safeframe.gateway.me;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Standing;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PolicyClient;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** What the caller may know about themselves: standing, quota, every decision about them, their data. */
@Path("/v1/me")
@Tag(name = "me")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final PolicyClient policy;
    private final io.safeframe.gateway.internal.ReportClient reports;
    private final AccountExporter exporter;
    private final SecurityIdentity identity;

    private final io.safeframe.gateway.erasure.AccountEraser eraser;

    public MeResource(PolicyClient policy, io.safeframe.gateway.internal.ReportClient reports, AccountExporter exporter,
            SecurityIdentity identity, io.safeframe.gateway.erasure.AccountEraser eraser) {
        this.eraser = eraser;
        this.policy = policy;
        this.reports = reports;
        this.exporter = exporter;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Standing, tier and remaining quota")
    public Uni<Map<String, Object>> me(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return policy.standing(ctx(correlationId), account()).map(this::standing);
    }

    @GET
    @Path("/decisions")
    @Operation(summary = "Every decision about the caller, with its reason")
    public Uni<List<Map<String, Object>>> decisions(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return policy.decisions(ctx(correlationId), account()).map(StandingView::decisions);
    }

    @GET
    @Path("/notices")
    @Operation(summary = "Statements of reasons for decisions about the caller, outcomes of their reports and appeals")
    public Uni<List<Map<String, Object>>> notices(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.notices(ctx(correlationId)).map(list -> io.safeframe.gateway.report.ReportViews.notices(list.getNoticesList()));
    }

    @GET
    @Path("/export")
    @Operation(summary = "Everything Safeframe holds about the caller, per source service, as safeframe-export/2 JSON (GDPR Art. 15/20)")
    public Uni<Map<String, Object>> export(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return me(correlationId).chain(standing -> exporter.export(ctx(correlationId), standing));
    }

    /** The confirmation an account holder sends to erase their account: their own account id, typed again. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record EraseBody(String confirmAccount) {
    }

    @DELETE
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Erase the caller's account in every service (GDPR Art. 17): confirmAccount must be the caller's account id;"
            + " the answer lists what was erased and what was kept and why; 503 when a service is away (retry)")
    public Uni<Map<String, Object>> erase(EraseBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null || body.confirmAccount() == null) {
            throw io.safeframe.gateway.problem.ApiException.badRequest("a JSON body {\"confirmAccount\": your account id} is required");
        }
        if (!body.confirmAccount().equals(account())) {
            // the only account a caller can erase here is their own; a mistyped confirmation erases nothing
            throw new io.safeframe.gateway.problem.ApiException(422, "confirmation-mismatch", "Confirmation does not match",
                    "confirmAccount must be your own account id");
        }
        // the actor is not the account id: what is recorded about the erasure must not name the erased account
        RequestContext ctx = RequestContext.newBuilder().setActor("account-holder").setCorrelationId(correlationId).build();
        return eraser.erase(ctx, account(), "the account holder's request");
    }

    private Map<String, Object> standing(Standing s) {
        Map<String, Object> out = StandingView.of(s);
        out.put("roles", identity.getRoles());
        return out;
    }

    private String account() {
        return identity.getPrincipal().getName();
    }

    private RequestContext ctx(String correlationId) {
        return RequestContext.newBuilder().setAccountId(account()).setActor(account()).setCorrelationId(correlationId).build();
    }
}
