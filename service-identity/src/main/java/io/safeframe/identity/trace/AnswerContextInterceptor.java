package io.safeframe.identity.trace;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.context.Context;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.common.vertx.VertxContext;

/**
 * Every answer of an outgoing gRPC call is handled in the trace context the call was started in, and leaves the
 * thread's context as it found it.
 * <p>
 * Why: the clients deliver answers on the Netty thread that read them (direct executor), outside any Vert.x context
 * unless the call started on an event loop. There the current trace context is OpenTelemetry's thread-local, and the
 * context-propagation provider that wraps the Mutiny callbacks behind an answer attaches the context it captured without
 * always putting the previous one back. The leftover stayed on that event-loop thread, and the next HTTP request read
 * there without a {@code traceparent} took it as its parent: unrelated users' requests were nested in a finished
 * generation's trace. Restoring the thread's context after each callback ends the leak where it starts, on the thread
 * that was lent to us, without moving the answer to another thread (which changes what the callback may block on).
 * On a duplicated Vert.x context attaches land in that context's own storage and go with it, so nothing is done there.
 * <p>
 * Innermost (lowest priority), so the callbacks of every other interceptor, tracing included, run inside.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(Integer.MIN_VALUE + 100)
public class AnswerContextInterceptor implements ClientInterceptor {

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        Context started = Context.current();
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<A> listener, Metadata headers) {
                super.start(new SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata received) {
                        inStartedContext(() -> super.onHeaders(received));
                    }

                    @Override
                    public void onMessage(A message) {
                        inStartedContext(() -> super.onMessage(message));
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        inStartedContext(() -> super.onClose(status, trailers));
                    }

                    @Override
                    public void onReady() {
                        inStartedContext(() -> super.onReady());
                    }
                }, headers);
            }

            private void inStartedContext(Runnable callback) {
                run(started, callback);
            }
        };
    }

    /**
     * Runs {@code callback} with {@code context} current and afterwards makes the thread's previous context current
     * again, whatever the callback attached and left behind. A scope cannot do this: OpenTelemetry ignores closing a
     * scope that is no longer the current one, which is exactly the leftover case.
     */
    static void run(Context context, Runnable callback) {
        if (VertxContext.isOnDuplicatedContext()) {
            callback.run();
            return;
        }
        Context before = Context.current();
        context.makeCurrent(); // undone below, by making the previous context current again
        try {
            callback.run();
        } finally {
            if (Context.current() != before) {
                before.makeCurrent(); // this scope is the thread's state from now on; there is nothing to close
            }
        }
    }
}
