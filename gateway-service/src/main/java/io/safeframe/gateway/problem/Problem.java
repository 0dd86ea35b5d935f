package io.safeframe.gateway.problem;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.Response;

/** RFC 9457 problem details: every error the public API returns has this shape. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String correlationId,
        @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @JsonAnyGetter
    public Map<String, Object> any() {
        return extensions == null ? Map.of() : extensions;
    }

    public static Response response(int status, String slug, String title, String detail, String correlationId) {
        return response(status, slug, title, detail, correlationId, null);
    }

    public static Response response(int status, String slug, String title, String detail, String correlationId,
            Map<String, Object> extensions) {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(new Problem("https://safeframe.dev/problems/" + slug, title, status, detail, correlationId, extensions))
                .build();
    }
}
