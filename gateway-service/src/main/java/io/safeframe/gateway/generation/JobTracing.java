package io.safeframe.gateway.generation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.safeframe.gateway.generation.JobStore.Job;
import io.safeframe.gateway.internal.StepTraces;
import io.safeframe.identity.trace.CorrelationSpanInterceptor;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One trace per generation. A job's steps run long after the request that submitted it, on the runner's schedule,
 * so the request's trace context is kept with the job ({@link #traceParent()}) and each step runs in a span under
 * it, carrying the correlation id. With tracing off every span here is a no-op and nothing is stored.
 */
@ApplicationScoped
public class JobTracing {

    static final String JOB_ID = "safeframe.job_id";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;
    private final Vertx vertx;

    public JobTracing(Tracer tracer, Vertx vertx) {
        this.tracer = tracer;
        this.vertx = vertx;
    }

    /** The current span's W3C traceparent, or null when there is none (tracing off, or not sampled). */
    public static String traceParent() {
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /**
     * Runs one step of a job in its own span, a child of the submitting request's span. The step runs on a fresh
     * duplicated Vert.x context holding that span, so every call it makes (gRPC clients read the current context
     * when a call starts) joins the trace, and steps of different jobs never share a context.
     */
    public void runStep(Job job, Supplier<Uni<Void>> step) {
        Context parent = job.traceParent() == null ? Context.root()
                : W3C.extract(Context.root(), job.traceParent(), TRACEPARENT);
        Span span = tracer.spanBuilder("generation " + job.state().name().toLowerCase()).setParent(parent)
                .setAttribute(CorrelationSpanInterceptor.CORRELATION_ID, String.valueOf(job.correlationId()))
                .setAttribute(JOB_ID, job.id().toString()).startSpan();
        io.vertx.core.Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        Context stepContext = parent.with(span);
        context.runOnContext(ignored -> {
            // attached to this step's own duplicated context and never detached: continuations of the step run on
            // it and must see the span; the context is dropped with the step. Continuations that run elsewhere (after
            // some answers) still start their gRPC calls in it: StepTraces, by the job's correlation id
            stepContext.makeCurrent();
            StepTraces.begin(job.correlationId(), stepContext);
            step.get().onFailure().invoke(f -> span.setStatus(StatusCode.ERROR, f.toString()))
                    .onTermination().invoke(() -> {
                        StepTraces.end(job.correlationId(), stepContext);
                        span.end();
                    })
                    .subscribe().with(ok -> {
                    }, f -> {
                        // the step reports its own failures; the span has recorded it
                    });
        });
    }
}
