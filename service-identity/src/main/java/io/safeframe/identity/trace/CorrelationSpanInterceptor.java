package io.safeframe.identity.trace;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;
import io.quarkus.grpc.GlobalInterceptor;
import io.safeframe.identity.actor.RequestActor;

/**
 * Puts the request's correlation id on the gRPC server span, so a trace can be found from the id a user or a
 * moderator quotes, and the id in logs and audit events leads to the trace. Not the actor: traces leave for a
 * collector with other retention rules, and an account id is personal data. It runs innermost (lowest priority),
 * inside the tracing interceptor, where that span is current; with tracing off the span is a no-op.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(Integer.MIN_VALUE + 100)
public class CorrelationSpanInterceptor implements ServerInterceptor {

    /** The span attribute, shared with the gateway's HTTP side and its job steps. */
    public static final String CORRELATION_ID = "safeframe.correlation_id";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(Q message) {
                String correlationId = RequestActor.of(message).correlationId();
                if (!correlationId.isEmpty()) {
                    Span.current().setAttribute(CORRELATION_ID, correlationId);
                }
                super.onMessage(message);
            }
        };
    }
}
