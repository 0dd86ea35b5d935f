package io.safeframe.verify.softbinding;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safeframe.provenance.manifest.C2paManifest;
import io.safeframe.verify.RegistryLookup;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The C2PA Soft Binding Resolution API (OpenAPI "C2PA Soft Binding Resolution API" 1.0.0, published with the C2PA
 * Technical Specification 2.x; docs/watermark.md lists what we follow and where we deviate), over our registry:
 * a third-party C2PA tool that holds our watermark's payload — read by {@code POST /v1/verify} from a copy whose
 * manifest was stripped — finds the manifest id and fetches the signed manifest store that was embedded at
 * publication. Public and read-only; the store is what every published copy carried anyway.
 */
@Path("/v1/c2pa")
// the match records travel inside a Response, which the native build cannot see through: registered by hand
@RegisterForReflection(targets = { SoftBindingResource.Matches.class, SoftBindingResource.Match.class, SoftBindingResource.Query.class })
public class SoftBindingResource {

    /** Our manifest ids: the labels C2paManifest gives ("urn:c2pa:" + a UUID). */
    private static final Pattern MANIFEST_ID = Pattern.compile("urn:c2pa:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final int MAX_RESULTS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryLookup registry;

    public SoftBindingResource(RegistryLookup registry) {
        this.registry = registry;
    }

    public record Query(String alg, String value) {
    }

    public record Match(String manifestId, int similarityScore) {
    }

    public record Matches(List<Match> matches) {
    }

    public record Alg(String alg) {
    }

    public record Algorithms(List<Alg> watermarks, List<Alg> fingerprints) {
    }

    @GET
    @Path("/services/supportedAlgorithms")
    @Produces(MediaType.APPLICATION_JSON)
    public Algorithms supportedAlgorithms() {
        return new Algorithms(List.of(new Alg(C2paManifest.SOFT_BINDING_ALG)), List.of());
    }

    @GET
    @Path("/matches/byBinding")
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    public Uni<Response> byBinding(@QueryParam("alg") String alg, @QueryParam("value") String value, @QueryParam("maxResults") String maxResults) {
        return matches(alg, value, maxResults);
    }

    /** The spec's POST form (for values too long for a URL; ours never are, but clients may use it). */
    @POST
    @Path("/matches/byBinding")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    public Uni<Response> byLargeBinding(Query query, @QueryParam("maxResults") String maxResults) {
        return query == null ? Uni.createFrom().item(problem(400, "a JSON body {\"alg\", \"value\"} is required"))
                : matches(query.alg(), query.value(), maxResults);
    }

    private Uni<Response> matches(String alg, String value, String maxResults) {
        if (alg == null || alg.isBlank()) {
            return Uni.createFrom().item(problem(400, "alg is required; supported: " + C2paManifest.SOFT_BINDING_ALG));
        }
        if (!C2paManifest.SOFT_BINDING_ALG.equals(alg)) {
            return Uni.createFrom().item(problem(400, "unsupported soft-binding algorithm; supported: " + C2paManifest.SOFT_BINDING_ALG
                    + " (GET /v1/c2pa/services/supportedAlgorithms)"));
        }
        int max;
        try {
            max = maxResults == null ? 10 : Integer.parseInt(maxResults);
        } catch (NumberFormatException e) {
            max = 0;
        }
        if (max < 1 || max > MAX_RESULTS) {
            return Uni.createFrom().item(problem(400, "maxResults must be an integer from 1 to " + MAX_RESULTS));
        }
        String payload;
        try {
            payload = SoftBindingValue.payloadHex(value);
        } catch (SoftBindingValue.Malformed e) {
            return Uni.createFrom().item(problem(400, e.getMessage()));
        }
        // a payload is either in the registry or not: an exact match, hence the top score
        return registry.manifestIds(payload, max).map(ids -> Response.ok(new Matches(ids.stream().map(id -> new Match(id, 100)).toList()))
                .type(MediaType.APPLICATION_JSON).build());
    }

    /**
     * The manifest store as embedded (media type application/c2pa). It holds exactly one manifest, the active one,
     * so {@code returnActiveManifest} changes nothing.
     */
    @GET
    @Path("/manifests/{manifestId}")
    @Produces({ "application/c2pa", "application/problem+json" })
    public Uni<Response> manifest(@PathParam("manifestId") String manifestId) {
        if (!MANIFEST_ID.matcher(manifestId).matches()) {
            return Uni.createFrom().item(problem(400, "not a manifest id of this repository (urn:c2pa:<uuid>)"));
        }
        return registry.manifestStore(manifestId).map(store -> store.isPresent()
                ? Response.ok(store.get(), "application/c2pa").build()
                : problem(404, "no manifest with this id"));
    }

    /** RFC 9457 problem details, written here so the answer does not depend on which writers know "+json". */
    private static Response problem(int status, String detail) {
        String title = status == 404 ? "Not Found" : "Bad Request";
        try {
            return Response.status(status).type("application/problem+json").entity(JSON.writeValueAsString(
                    Map.of("type", "about:blank", "title", title, "status", status, "detail", detail))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
