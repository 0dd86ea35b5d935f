package io.safeframe.identity.server;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.safeframe.identity.IdentityConfig;
import io.safeframe.identity.access.AllowList;
import io.safeframe.identity.actor.ActorCheck;
import io.safeframe.identity.actor.ActorToken;
import io.safeframe.identity.actor.RequestActor;
import io.safeframe.identity.audit.Refusal;
import io.safeframe.identity.audit.RefusalAudit;
import io.safeframe.identity.peer.Caller;
import io.safeframe.identity.peer.PeerCertificates;

/**
 * Every gRPC call this service serves: no verified client certificate → UNAUTHENTICATED; a service not on the
 * RPC's allow-list → PERMISSION_DENIED; an actor the callee cannot establish (see {@link ActorCheck}) →
 * PERMISSION_DENIED. Each refusal is audited. Runs first (highest priority), before any service code sees the call.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(Integer.MAX_VALUE - 100)
public class IdentityInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> TOKEN = Metadata.Key.of(ActorToken.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final IdentityConfig config;
    private final AllowList allowList;
    private final ActorCheck actorCheck;
    private final RefusalAudit audit;

    public IdentityInterceptor(IdentityConfig config, AllowList allowList, ActorCheck actorCheck, RefusalAudit audit) {
        this.config = config;
        this.allowList = allowList;
        this.actorCheck = actorCheck;
        this.audit = audit;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<Caller> caller = PeerCertificates.callerOf(call.getAttributes());
        if (caller.isEmpty()) {
            if (refuse(call, new Refusal(method, "", "", "", "UNAUTHENTICATED", "no verified client certificate",
                    config.enforce()), Status.UNAUTHENTICATED)) {
                return new ServerCall.Listener<>() {
                };
            }
            return next.startCall(call, headers);
        }
        Caller who = caller.get();
        if (!allowList.allows(method, who.service())) {
            if (refuse(call, new Refusal(method, who.service(), "", "", "PERMISSION_DENIED",
                    who.service() + " is not allowed to call " + method, config.enforce()), Status.PERMISSION_DENIED)) {
                return new ServerCall.Listener<>() {
                };
            }
        }
        return new ActorChecked<>(next.startCall(call, headers), call, who, method, headers.get(TOKEN));
    }

    /** Audits; in enforcing mode closes the call. True when it was closed. */
    private boolean refuse(ServerCall<?, ?> call, Refusal refusal, Status status) {
        audit.record(refusal);
        if (!refusal.enforced()) {
            return false;
        }
        call.close(status.withDescription(refusal.reason()), new Metadata());
        return true;
    }

    /** Checks the actor of each request message before the service sees it; after a refusal nothing goes through. */
    private final class ActorChecked<Q, R> extends SimpleForwardingServerCallListener<Q> {

        private final ServerCall<Q, R> call;
        private final Caller caller;
        private final String method;
        private final String token;
        private boolean closed;

        ActorChecked(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Caller caller, String method, String token) {
            super(delegate);
            this.call = call;
            this.caller = caller;
            this.method = method;
            this.token = token;
        }

        @Override
        public void onMessage(Q message) {
            if (closed) {
                return;
            }
            RequestActor asserted = RequestActor.of(message);
            Optional<String> refused = actorCheck.refusal(caller, method, asserted, token);
            if (refused.isPresent() && refuse(call, new Refusal(method, caller.service(), asserted.actor(),
                    asserted.correlationId(), "PERMISSION_DENIED", refused.get(), config.enforce()), Status.PERMISSION_DENIED)) {
                closed = true;
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!closed) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!closed) {
                super.onReady();
            }
        }
    }
}
