package io.safeframe.gateway.console;

import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Where the moderator console (static files under /console/) signs in: the realm as the browser reaches it (in a
 * cluster the gateway may reach Keycloak by an internal name the browser cannot) and the public PKCE client.
 */
@Path("/v1/console/config")
@Tag(name = "console")
public class ConsoleConfigResource {

    private final String authority;
    private final String clientId;

    public ConsoleConfigResource(@ConfigProperty(name = "safeframe.console.authority") String authority,
            @ConfigProperty(name = "safeframe.console.client-id") String clientId) {
        this.authority = authority;
        this.clientId = clientId;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The moderator console's sign-in settings (OIDC authority and public client id)")
    public Map<String, String> config() {
        return Map.of("authority", authority, "clientId", clientId);
    }
}
