package io.safeframe.gateway.admin;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.ReplayWebhooksRequest;
import io.safeframe.api.v1.WebhookEvent;
import io.safeframe.api.v1.WebhookEventList;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Webhooks to the platform (docs/webhooks.md), the admin's view: which events were delivered, which wait for a retry,
 * which were dead-lettered, and replay. report-service holds the events and sends them.
 */
@Path("/v1/admin/webhooks")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookAdminResource {

    @RegisterForReflection
    public record ReplayBody(List<String> eventIds, String state) {
    }

    @RegisterForReflection
    public record EventView(String eventId, String type, String state, int attempts, int replays, String createdAt,
            String nextAttemptAt, String deliveredAt, String lastError) {

        static EventView of(WebhookEvent e) {
            return new EventView(e.getEventId(), e.getType(), e.getState(), e.getAttempts(), e.getReplays(), e.getCreatedAt(),
                    blank(e.getNextAttemptAt()), blank(e.getDeliveredAt()), blank(e.getLastError()));
        }

        private static String blank(String s) {
            return s.isEmpty() ? null : s;
        }
    }

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public WebhookAdminResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @GET
    @Path("/events")
    @Operation(summary = "Webhook events, newest first, with their delivery state (state = PENDING, DELIVERED or DEAD)")
    public Uni<Map<String, Object>> events(@QueryParam("state") @DefaultValue("") String state,
            @QueryParam("limit") @DefaultValue("100") int limit, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return reports.webhookEvents(StaffContext.of(identity, correlationId), state, limit).map(WebhookAdminResource::view);
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send events again: {eventIds: [...]} or {state: \"DEAD\"}; the same ids and bodies, newly signed")
    public Uni<Map<String, Object>> replay(ReplayBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body with eventIds or state is required");
        }
        ReplayWebhooksRequest.Builder request = ReplayWebhooksRequest.newBuilder()
                .setContext(StaffContext.of(identity, correlationId)).setState(body.state() == null ? "" : body.state());
        if (body.eventIds() != null && body.eventIds().contains(null)) {
            throw ApiException.badRequest("eventIds must be strings");
        }
        if (body.eventIds() != null) {
            request.addAllEventIds(body.eventIds());
        }
        return reports.replayWebhooks(request.build()).map(WebhookAdminResource::view);
    }

    private static Map<String, Object> view(WebhookEventList list) {
        return Map.of("events", list.getEventsList().stream().map(EventView::of).toList());
    }
}
