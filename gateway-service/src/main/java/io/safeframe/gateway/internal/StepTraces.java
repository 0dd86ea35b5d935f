package io.safeframe.gateway.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The trace context of each job step (and of each submitting request) that is running, by the job's correlation id,
 * so every gRPC call it makes joins the job's trace. The tracing client interceptor takes its parent from
 * {@code Context.current()} when a call starts, and continuations after a database or gRPC answer may run on a thread
 * whose current context is another (or none): without this, later calls of a step started traces of their own. A
 * step or a submitting request registers its context while it runs; {@link SafetyCall#withCorrelation} starts calls
 * carrying that correlation id inside it.
 */
public final class StepTraces {

    private static final Map<String, Context> RUNNING = new ConcurrentHashMap<>();

    private StepTraces() {
    }

    /** The step of the job with this correlation id runs under {@code context} until {@link #end}. */
    public static void begin(String correlationId, Context context) {
        if (correlationId != null) {
            RUNNING.put(correlationId, context);
        }
    }

    public static void end(String correlationId, Context context) {
        if (correlationId != null) {
            // only its own entry: a client that reused a correlation id for a second job keeps that job's
            RUNNING.remove(correlationId, context);
        }
    }

    /** An interceptor starting calls under the running step's context, or null when no step has this id. */
    static ClientInterceptor joining(String correlationId) {
        Context step = RUNNING.get(correlationId);
        return step == null ? null : new StartIn(step);
    }

    private record StartIn(Context context) implements ClientInterceptor {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            // the tracing interceptor below reads the current context here, when the call starts
            try (Scope ignored = context.makeCurrent()) {
                return next.newCall(method, options);
            }
        }
    }
}
