package io.safeframe.gateway.qa;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.QaAgreementReport;
import io.safeframe.api.v1.QaAgreementRow;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.internal.StaffContext;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The QA figures (docs/moderator-care.md): how often a blind second review agreed with the first decision, per
 * moderator and per queue, and Cohen's kappa overall. Admins only: per-moderator figures are about people's work.
 */
@Path("/v1/admin/qa")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class QaAgreementResource {

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public QaAgreementResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @GET
    @Path("/agreement")
    @Operation(summary = "Second-review agreement: sampled and waiting counts, double-reviewed cases, raw agreement, expected "
            + "(chance) agreement and Cohen's kappa (null when undefined), per moderator and per queue")
    public Uni<Map<String, Object>> agreement(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.qaAgreement(StaffContext.of(identity, correlationId)).map(QaAgreementResource::view);
    }

    static Map<String, Object> view(QaAgreementReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampled", r.getSampled());
        m.put("waiting", r.getWaiting());
        m.put("doubleReviewed", r.getDoubleReviewed());
        m.put("agreed", r.getAgreed());
        m.put("rawAgreement", r.getRawAgreement());
        m.put("expectedAgreement", r.getExpectedAgreement());
        m.put("kappa", r.getKappaDefined() ? r.getKappa() : null);
        m.put("moderators", r.getModeratorsList().stream().map(QaAgreementResource::row).toList());
        m.put("queues", r.getQueuesList().stream().map(QaAgreementResource::row).toList());
        return m;
    }

    private static Map<String, Object> row(QaAgreementRow row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", row.getKey());
        m.put("doubleReviewed", row.getDoubleReviewed());
        m.put("agreed", row.getAgreed());
        m.put("rawAgreement", row.getRawAgreement());
        return m;
    }
}
