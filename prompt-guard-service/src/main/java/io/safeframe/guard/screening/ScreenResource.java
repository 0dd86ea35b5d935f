package io.safeframe.guard.screening;

import java.util.LinkedHashMap;
import java.util.Map;

import io.safeframe.guard.policy.PolicyHolder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** HTTP JSON screening for internal tools: {"text": "..."} → the verdict with a top-level "decision". */
@Path("/v1/screen")
public class ScreenResource {

    public record ScreenBody(String text) {
    }

    private final Screener screener;
    private final PolicyHolder policy;

    public ScreenResource(PolicyHolder policy, Screener screener) {
        this.policy = policy;
        this.screener = screener;
    }

    @POST
    @io.smallrye.common.annotation.Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response screen(ScreenBody body) {
        if (body == null || body.text() == null) {
            return problem(400, "body must be a JSON object with a \"text\" string");
        }
        try {
            Screening s = screener.screen(body.text(), policy.current());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("decision", s.decision());
            out.put("reason", s.reason());
            out.put("ruleId", s.ruleId());
            out.put("policyVersion", s.policyVersion());
            out.put("categories", s.categoryScores());
            out.put("hits", s.hits());
            out.put("normalisation", s.steps());
            out.put("normalisedText", s.normalisedText());
            return Response.ok(out).build();
        } catch (PolicyHolder.NoPolicy e) {
            return problem(503, e.getMessage());
        } catch (Screener.InputRejected e) {
            return problem(e.getMessage().contains("limit") ? 413 : 400, e.getMessage());
        }
    }

    private static Response problem(int status, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "https://safeframe.dev/problems/bad-request", "title", "Bad request", "status", status,
                        "detail", detail))
                .build();
    }
}
