package io.safeframe.gateway.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Delivers every gRPC answer on a Vert.x context, never straight on the Netty thread that read it.
 * <p>
 * Why: the gRPC clients run their callbacks directly on Netty event-loop threads (direct executor); Quarkus moves them
 * back onto a Vert.x context only for calls started on an event-loop context. A call started elsewhere (a job step's
 * continuation, a fault-tolerance retry on its timer thread) answered outside any Vert.x context, and the Mutiny
 * callbacks chained after it ran there too. Around each callback the OpenTelemetry context-propagation provider
 * attaches the context captured when the pipeline was built and does not always put the previous one back; outside a
 * Vert.x context that attach lands in the thread's thread-local storage and stays. The next HTTP request read on that
 * event loop then took it as its parent (Quarkus parents a server span on {@code Context.current()} when the request
 * carries none): unrelated requests were nested in a finished generation's trace. On a duplicated context the same
 * attach lands in that context's locals and goes with it.
 * <p>
 * Callbacks of one call come from one Netty thread and go into one context's queue, so their order is kept.
 */
@GlobalInterceptor
@ApplicationScoped
public class AnswerOnContext implements ClientInterceptor {

    private final Vertx vertx;

    public AnswerOnContext(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<A> listener, Metadata headers) {
                if (Vertx.currentContext() != null && io.vertx.core.Context.isOnEventLoopThread()) {
                    // Quarkus already brings these answers back to the caller's context
                    super.start(listener, headers);
                    return;
                }
                io.vertx.core.Context home = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata received) {
                        home.runOnContext(ignored -> super.onHeaders(received));
                    }

                    @Override
                    public void onMessage(A message) {
                        home.runOnContext(ignored -> super.onMessage(message));
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        home.runOnContext(ignored -> super.onClose(status, trailers));
                    }

                    @Override
                    public void onReady() {
                        home.runOnContext(ignored -> super.onReady());
                    }
                }, headers);
            }
        };
    }
}
