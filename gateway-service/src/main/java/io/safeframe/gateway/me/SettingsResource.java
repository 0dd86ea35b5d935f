package io.safeframe.gateway.me;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.AccountSettings;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The caller's own settings. trainingUse (default false): whether the caller's disputed and moderated prompts may go,
 * pseudonymised and scrubbed, into datasets for model teams. Stored by report-service, next to the labels the export
 * reads (docs/safety-data.md), so an export never races a withdrawal.
 */
@Path("/v1/me/settings")
@Tag(name = "me")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    @RegisterForReflection
    public record SettingsBody(Boolean trainingUse) {
    }

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public SettingsResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Your settings: trainingUse (default false)")
    public Uni<Map<String, Object>> get(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.settings(ctx(correlationId)).map(SettingsResource::view);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change your settings: {\"trainingUse\": true|false}")
    public Uni<Map<String, Object>> put(SettingsBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null || body.trainingUse() == null) {
            throw ApiException.badRequest("a JSON body {\"trainingUse\": true|false} is required");
        }
        RequestContext ctx = ctx(correlationId);
        return reports.putSettings(AccountSettings.newBuilder().setContext(ctx).setAccountId(ctx.getAccountId())
                .setTrainingUse(body.trainingUse()).build()).map(SettingsResource::view);
    }

    private RequestContext ctx(String correlationId) {
        String account = identity.getPrincipal().getName();
        return RequestContext.newBuilder().setAccountId(account).setActor(account).setCorrelationId(correlationId).build();
    }

    private static Map<String, Object> view(AccountSettings s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trainingUse", s.getTrainingUse());
        out.put("updatedAt", s.getUpdatedAt().isEmpty() ? null : s.getUpdatedAt());
        return out;
    }
}
