package io.safeframe.gateway.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.TransparencyRequest;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.ReportClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** DSA transparency: statements of reasons for the EU database, and the periodic report. */
@Path("/v1/admin/transparency")
@Tag(name = "admin")
@RolesAllowed("admin")
public class TransparencyResource {

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public TransparencyResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @GET
    @Path("/statements")
    @Produces("application/x-ndjson")
    @Operation(summary = "Statements of reasons in the EU DSA Transparency Database layout, one JSON object per line; from/to ISO instants")
    public Uni<String> statements(@QueryParam("from") @DefaultValue("") String from, @QueryParam("to") @DefaultValue("") String to,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.statements(request(from, to, correlationId)).map(lines -> lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    @GET
    @Path("/report")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Counts by category, action, detection source; median time to action; appeal outcomes")
    public Uni<String> report(@QueryParam("from") @DefaultValue("") String from, @QueryParam("to") @DefaultValue("") String to,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.transparencyReport(request(from, to, correlationId));
    }

    private TransparencyRequest request(String from, String to, String correlationId) {
        return TransparencyRequest.newBuilder().setFrom(from).setTo(to).setContext(StaffContext.of(identity, correlationId)).build();
    }
}
