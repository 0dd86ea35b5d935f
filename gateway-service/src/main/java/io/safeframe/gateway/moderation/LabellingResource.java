package io.safeframe.gateway.moderation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.LabelItemRequest;
import io.safeframe.api.v1.LabellingItem;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.PromptText;
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
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Active learning's labelling queue in the console (docs/safety-data.md): the prompts the guard was least sure of,
 * scrubbed, least sure first; a moderator labels each unsafe (with its category) or safe. Labels retrain the guard's
 * heads into a candidate policy version ({@code ./safeframe guard-train --from-labels}), never a live change.
 */
@Path("/v1/moderation/labelling")
@Tag(name = "moderation")
@RolesAllowed({ "moderator", "admin" })
@Produces(MediaType.APPLICATION_JSON)
public class LabellingResource {

    @RegisterForReflection
    public record LabelBody(String label, String category, String note) {
    }

    private final ReportClient reports;
    private final SecurityIdentity identity;

    public LabellingResource(ReportClient reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Prompts waiting for a label, least sure first (scrubbed of personal data)")
    public Uni<List<Map<String, Object>>> pending(@QueryParam("limit") @DefaultValue("50") int limit,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (limit < 1 || limit > 200) {
            throw ApiException.badRequest("limit must be between 1 and 200");
        }
        return reports.labelling(StaffContext.of(identity, correlationId), limit)
                .map(list -> list.getItemsList().stream().map(LabellingResource::view).toList());
    }

    @POST
    @Path("/{itemId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Label one item: {label: unsafe|safe, category (for unsafe), note?}")
    public Uni<Map<String, Object>> label(@PathParam("itemId") String itemId, LabelBody body,
            @HeaderParam(CorrelationId.HEADER) String correlationId) {
        try {
            java.util.UUID.fromString(itemId);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no labelling item " + itemId); // as for any other id that names nothing
        }
        if (body == null || body.label() == null || !(body.label().equals("unsafe") || body.label().equals("safe"))) {
            throw ApiException.badRequest("a JSON body {label: unsafe|safe, category, note} is required");
        }
        if (body.label().equals("unsafe") && (body.category() == null || !body.category().matches("[a-z][a-z0-9_]{1,63}"))) {
            throw ApiException.badRequest("an unsafe label needs the category the prompt falls under");
        }
        String note = body.note() == null || body.note().isBlank() ? "" : PromptText.requireText(body.note(), "note", 2000);
        return reports.labelItem(LabelItemRequest.newBuilder().setContext(StaffContext.of(identity, correlationId)).setItemId(itemId)
                .setLabel(body.label()).setCategory(body.label().equals("unsafe") ? body.category() : "").setNote(note).build())
                .map(LabellingResource::view);
    }

    public static Map<String, Object> view(LabellingItem i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("itemId", i.getItemId());
        m.put("prompt", i.getPromptText());
        m.put("machineDecision", i.getMachineDecision());
        m.put("category", i.getCategory());
        m.put("margin", Math.round(i.getReviewMargin() * 1000) / 1000.0);
        m.put("policyVersion", i.getPolicyVersion());
        m.put("state", i.getState());
        m.put("offeredAt", i.getOfferedAt());
        if (!i.getLabel().isEmpty()) {
            m.put("label", i.getLabel());
            m.put("labelCategory", i.getLabelCategory());
            m.put("labelledBy", i.getLabelledBy());
        }
        return m;
    }
}
