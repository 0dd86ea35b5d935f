package io.safeframe.gateway.problem;

import java.util.Map;

/** A client-facing failure with its HTTP status and problem type; mapped to problem+json. */
public class ApiException extends RuntimeException {

    public final int status;
    public final String slug;
    public final String title;
    public final transient Map<String, Object> extensions;

    public ApiException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null);
    }

    public ApiException(int status, String slug, String title, String detail, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.extensions = extensions;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", "The request is not valid", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail);
    }
}
