package io.safeframe.gateway.cameo;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.ProtectedPersonRef;
import io.safeframe.api.v1.ProtectedPersonRequest;
import io.safeframe.gateway.cameo.CameoBodies.PhotoBody;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.LikenessClient;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.StaffContext;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The protected-persons bank (issue 21): public figures nobody may depict, whatever a prompt says. Admins only; every
 * change is audited by the registry with the admin as actor. The list is not public (no endpoint for users).
 */
@Path("/v1/admin/protected-persons")
@Tag(name = "admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ProtectedPersonResource {

    @RegisterForReflection
    public record PersonBody(String name, List<PhotoBody> photos) {
    }

    private final LikenessClient likeness;
    private final SecurityIdentity identity;

    public ProtectedPersonResource(LikenessClient likeness, SecurityIdentity identity) {
        this.likeness = likeness;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a public figure from 1-5 photos (one face each, base64 PNG/JPEG); 201")
    public Uni<Response> add(PersonBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null || body.photos() == null || body.photos().isEmpty() || body.photos().size() > 5) {
            throw ApiException.badRequest("a name and 1 to 5 photos are required");
        }
        ProtectedPersonRequest.Builder request = ProtectedPersonRequest.newBuilder().setContext(StaffContext.of(identity, correlationId))
                .setName(PromptText.requireText(body.name(), "name", 200));
        for (int i = 0; i < body.photos().size(); i++) {
            request.addPhotos(CameoResource.photo(body.photos().get(i), i + 1));
        }
        return likeness.addProtected(request.build()).map(p -> Response.status(201)
                .entity(Map.of("id", p.getPersonId(), "name", p.getName(), "referencePhotos", p.getReferencePhotos())).build());
    }

    @GET
    @Operation(summary = "The protected persons (name, number of reference photos)")
    public Uni<Map<String, Object>> list(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.protectedPersons(StaffContext.of(identity, correlationId)).map(l -> Map.of("persons", l.getPersonsList().stream()
                .map(p -> Map.<String, Object>of("id", p.getPersonId(), "name", p.getName(), "referencePhotos", p.getReferencePhotos())).toList()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a protected person: their descriptors and key are destroyed")
    public Uni<Map<String, Object>> remove(@PathParam("id") String id, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.removeProtected(ProtectedPersonRef.newBuilder().setContext(StaffContext.of(identity, correlationId))
                .setPersonId(PromptText.requireText(id, "id", 64)).build()).map(r -> Map.of("deleted", r.getDeleted()));
    }
}
