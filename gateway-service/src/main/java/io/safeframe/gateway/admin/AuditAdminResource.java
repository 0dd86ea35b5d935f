package io.safeframe.gateway.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.PolicyClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.core.MediaType;

@Path("/v1/admin/audit")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AuditAdminResource {

    private final PolicyClient policy;
    private final SecurityIdentity identity;

    public AuditAdminResource(PolicyClient policy, SecurityIdentity identity) {
        this.policy = policy;
        this.identity = identity;
    }

    @GET
    @Path("/export")
    @Produces("application/x-ndjson")
    @Operation(summary = "A range of the audit log as JSON Lines with the checkpoints that cover it (verify offline with ./safeframe audit-verify)")
    public Uni<String> export(@QueryParam("from") @DefaultValue("1") long from, @QueryParam("to") @DefaultValue("0") long to,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (from < 1 || (to != 0 && to < from)) {
            throw io.safeframe.gateway.problem.ApiException.badRequest("from must be ≥ 1 and to (0 = end) not before from");
        }
        return policy.exportAudit(StaffContext.of(identity, correlationId), from, to).map(lines -> String.join("\n", lines) + "\n");
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Recompute the audit hash chain and checkpoint signatures; names the first broken event")
    public Uni<Map<String, Object>> verify(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return policy.verifyAudit(StaffContext.of(identity, correlationId)).map(v -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("intact", v.getIntact());
            out.put("eventsChecked", v.getEventsChecked());
            out.put("checkpointsChecked", v.getCheckpointsChecked());
            if (!v.getIntact()) {
                out.put("firstBrokenSeq", v.getFirstBrokenSeq() == 0 ? null : v.getFirstBrokenSeq());
                out.put("firstBrokenCheckpoint", v.getFirstBrokenCheckpoint() == 0 ? null : v.getFirstBrokenCheckpoint());
                out.put("problem", v.getProblem());
            }
            return out;
        });
    }
}
