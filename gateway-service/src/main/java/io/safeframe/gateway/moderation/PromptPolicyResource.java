package io.safeframe.gateway.moderation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.internal.GuardClient;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The prompt policy moderators apply: the version in force, its rules, and its load history on prompt-guard. */
@Path("/v1/moderation/prompt-policy")
@Tag(name = "moderation")
@RolesAllowed({ "moderator", "admin" })
public class PromptPolicyResource {

    private final GuardClient guard;
    private final SecurityIdentity identity;

    public PromptPolicyResource(GuardClient guard, SecurityIdentity identity) {
        this.guard = guard;
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The prompt policy in force (version, categories, terms, benign phrases) and what the answering "
            + "prompt-guard instance loaded, reloaded or refused since it started")
    public Uni<Map<String, Object>> get(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return guard.policy(StaffContext.of(identity, correlationId)).map(p -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("version", p.getVersion());
            out.put("source", p.getSource());
            out.put("policy", new JsonObject(p.getPolicyJson()).getMap());
            out.put("history", p.getHistoryList().stream().map(e -> Map.of("version", e.getVersion(), "at", e.getAt(),
                    "outcome", e.getOutcome(), "detail", e.getDetail())).toList());
            return out;
        });
    }
}
