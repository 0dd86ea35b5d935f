package io.safeframe.gateway.problem;

import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.safeframe.gateway.internal.CorrelationId;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** Turns every failure into application/problem+json; nothing leaks a stack trace or a bare 500. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ConfigProperty(name = "safeframe.fail-closed.retry-after-seconds", defaultValue = "5")
    int retryAfterSeconds;

    @ServerExceptionMapper
    public Response api(ApiException e, HttpServerRequest request) {
        return Problem.response(e.status, e.slug, e.title, e.getMessage(), CorrelationId.of(request), e.extensions);
    }

    @ServerExceptionMapper
    public Response unavailable(SafetyServiceUnavailable e, HttpServerRequest request) {
        LOG.warnf("fail closed: %s: %s", e.getMessage(), e.getCause() == null ? "" : e.getCause().getMessage());
        Response r = Problem.response(503, "safety-service-unavailable", "A safety check could not run",
                "Nothing was generated or published: " + e.service + " did not answer in time. Retry after "
                        + retryAfterSeconds + " s.",
                CorrelationId.of(request), Map.of("retryAfterSeconds", retryAfterSeconds));
        return Response.fromResponse(r).header("Retry-After", retryAfterSeconds).build();
    }

    /**
     * A stored clip whose object is missing or whose bytes are not the recorded ones (size, SHA-256): refused, never
     * served. The storage is at fault, not the caller; the details go to the log, not to the client.
     */
    @ServerExceptionMapper
    public Response clipUnusable(io.safeframe.gateway.clips.ClipUnusable e, HttpServerRequest request) {
        LOG.errorf("refused to serve a stored clip: %s", e.getMessage());
        return Problem.response(500, "clip-unusable", "The stored clip failed its integrity check",
                "the clip could not be read back as it was stored, so it is not served", CorrelationId.of(request));
    }

    /** The gateway's own fault tolerance refused (full bulkhead, open circuit, timeout): busy, come back later. */
    @ServerExceptionMapper
    public Response busy(org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException e, HttpServerRequest request) {
        return unavailable(new SafetyServiceUnavailable("a safety service (busy)", e), request);
    }

    @ServerExceptionMapper
    public Response unrecognized(UnrecognizedPropertyException e, HttpServerRequest request) {
        return Problem.response(400, "unknown-field", "Unknown field",
                "field '" + e.getPropertyName() + "' is not part of this request", CorrelationId.of(request));
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e, HttpServerRequest request) {
        return Problem.response(400, "wrong-type", "Wrong type",
                "field '" + path(e) + "' has the wrong type", CorrelationId.of(request));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return Problem.response(400, "wrong-type", "Wrong type",
                "field '" + path(e) + "' has the wrong type or the body is not the expected JSON object",
                CorrelationId.of(request));
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e, HttpServerRequest request) {
        return Problem.response(400, "malformed-json", "Malformed JSON",
                "the body is not valid JSON: " + e.getOriginalMessage(), CorrelationId.of(request));
    }

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e, HttpServerRequest request) {
        Status.Code code = e.getStatus().getCode();
        String detail = e.getStatus().getDescription();
        return switch (code) {
            case INVALID_ARGUMENT -> Problem.response(400, "bad-request", "The request is not valid", detail, CorrelationId.of(request));
            case NOT_FOUND -> Problem.response(404, "not-found", "Not found", detail, CorrelationId.of(request));
            case PERMISSION_DENIED -> Problem.response(403, "forbidden", "Forbidden", detail, CorrelationId.of(request));
            case FAILED_PRECONDITION -> Problem.response(409, "conflict", "Conflict", detail, CorrelationId.of(request));
            case RESOURCE_EXHAUSTED -> Problem.response(429, "rate-limited", "Too many requests", detail, CorrelationId.of(request));
            default -> unavailable(new SafetyServiceUnavailable("an internal service", e), request);
        };
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return malformed(jpe, request);
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return Problem.response(status, status == 413 ? "body-too-large" : "http-" + status, title,
                e.getMessage(), CorrelationId.of(request));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(RuntimeException e, HttpServerRequest request) {
        LOG.errorf(e, "unexpected failure [%s]", CorrelationId.of(request));
        return Problem.response(500, "internal", "Internal error",
                "the request failed; quote the correlation id when reporting it", CorrelationId.of(request));
    }

    private static String path(MismatchedInputException e) {
        StringBuilder out = new StringBuilder();
        e.getPath().forEach(ref -> {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        });
        return out.isEmpty() ? "<root>" : out.toString();
    }
}
