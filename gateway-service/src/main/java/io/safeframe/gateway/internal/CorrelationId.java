package io.safeframe.gateway.internal;

import java.util.UUID;
import java.util.regex.Pattern;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.opentelemetry.api.trace.Span;
import io.safeframe.identity.trace.CorrelationSpanInterceptor;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

/**
 * One id per request, taken from X-Correlation-Id when the caller sends a sane one, otherwise made here.
 * It goes into gRPC metadata, every audit event and the trace's spans, and back to the caller in the response header.
 */
public class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    private static final String KEY = "safeframe.correlation-id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext ctx, HttpServerRequest request) {
        String given = ctx.getHeaderString(HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.setProperty(KEY, id);
        ctx.getHeaders().putSingle(HEADER, id);
        request.headers().set(HEADER, id);
        // on the request's server span too, so the id a user quotes finds the trace (no-op with tracing off)
        Span.current().setAttribute(CorrelationSpanInterceptor.CORRELATION_ID, id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(KEY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }

    public static String of(HttpServerRequest request) {
        String id = request.getHeader(HEADER);
        return id == null ? "none" : id;
    }
}
