package io.safeframe.gateway.retention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.gateway.generation.GenerationResource;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PolicyClient;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Legal holds (docs/retention.md): a job kept past its retention for a legal request — the purge skips it until an
 * admin releases it. Placing and releasing need a reason; each is an audit event written in the same transaction as the
 * change (an audit log that cannot be written leaves the hold as it was). A job already purged cannot be held: 409.
 */
@Path("/v1/admin/legal-holds")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class LegalHoldResource {

    @RegisterForReflection
    public record HoldBody(String reason) {
    }

    private static final int MAX_REASON = 1000;

    private final Pool pool;
    private final PolicyClient policy;
    private final SecurityIdentity identity;

    public LegalHoldResource(Pool pool, PolicyClient policy, SecurityIdentity identity) {
        this.pool = pool;
        this.policy = policy;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Jobs under legal hold, newest hold first")
    public Uni<List<Map<String, Object>>> list() {
        return pool.query("""
                select job_id, account_id, state, legal_hold_reason, legal_hold_by, legal_hold_at from generation_job
                where legal_hold_reason is not null order by legal_hold_at desc limit 500""").execute().map(rows -> {
            List<Map<String, Object>> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r)));
            return out;
        });
    }

    @POST
    @Path("/{jobId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hold a generation past its retention (its prompt, evidence and clips are kept); the reason is audited")
    public Uni<Map<String, Object>> place(@PathParam("jobId") String jobId, HoldBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return change(jobId, body, correlationId, true);
    }

    @POST
    @Path("/{jobId}/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Release a legal hold; the job's retention applies again from now on; the reason is audited")
    public Uni<Map<String, Object>> release(@PathParam("jobId") String jobId, HoldBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return change(jobId, body, correlationId, false);
    }

    /** Places or releases a hold and writes its audit event in one transaction; 404/409 when no row changed. */
    private Uni<Map<String, Object>> change(String jobId, HoldBody body, String correlationId, boolean place) {
        UUID id = GenerationResource.jobId(jobId);
        String reason = reason(body);
        RequestContext ctx = StaffContext.of(identity, correlationId);
        String update = place
                ? "update generation_job set legal_hold_reason = $2, legal_hold_by = $3, legal_hold_at = now() where job_id = $1 and purged_at is null"
                : "update generation_job set legal_hold_reason = null, legal_hold_by = null, legal_hold_at = null"
                        + " where job_id = $1 and legal_hold_reason is not null";
        Tuple params = place ? Tuple.of(id, reason, ctx.getActor()) : Tuple.of(id);
        return pool.withTransaction(conn -> conn.preparedQuery(update
                + " returning job_id, account_id, state, legal_hold_reason, legal_hold_by, legal_hold_at").execute(params)
                .chain(rows -> rows.rowCount() == 0
                        ? missing(conn, id, place ? "already purged: nothing is left to hold" : "not under legal hold")
                        : audit(ctx, place ? "legal_hold.placed" : "legal_hold.released", rows.iterator().next(), reason)));
    }

    private Uni<Map<String, Object>> audit(RequestContext ctx, String action, Row job, String reason) {
        Map<String, Object> view = view(job);
        return policy.audit(AuditEvent.newBuilder().setContext(ctx.toBuilder().setAccountId(job.getString("account_id")))
                .setAction(action).setTarget(job.getUUID("job_id").toString()).setReason(reason).build()).replaceWith(view);
    }

    /** 404 when no such job, 409 with {@code conflict} when it exists but the change does not apply. */
    private static Uni<Map<String, Object>> missing(io.vertx.mutiny.sqlclient.SqlConnection conn, UUID id, String conflict) {
        return conn.preparedQuery("select 1 from generation_job where job_id = $1").execute(Tuple.of(id)).map(rows -> {
            if (rows.rowCount() == 0) {
                throw ApiException.notFound("no generation '" + id + "'");
            }
            throw new ApiException(409, "conflict", "Not possible in the current state", conflict);
        });
    }

    private static Map<String, Object> view(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", r.getUUID("job_id").toString());
        m.put("account", r.getString("account_id"));
        m.put("state", r.getString("state"));
        m.put("legalHold", r.getString("legal_hold_reason") == null ? null
                : Map.of("reason", r.getString("legal_hold_reason"), "by", r.getString("legal_hold_by"),
                        "at", r.getOffsetDateTime("legal_hold_at").toInstant().toString()));
        return m;
    }

    private static String reason(HoldBody body) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body with a reason is required");
        }
        return PromptText.requireText(body.reason(), "reason", MAX_REASON);
    }

}
