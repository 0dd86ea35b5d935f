package io.safeframe.identity.client;

import io.grpc.Attributes;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.safeframe.identity.actor.ActorToken;
import io.safeframe.identity.actor.RequestActor;

/**
 * A client call whose start waits for the first request message: the actor token depends on the actor that
 * message names, and headers go out at start. Requests for responses made before that are passed on after it.
 */
final class TokenOnFirstMessage<Q, R> extends ClientCall<Q, R> {

    static final Metadata.Key<String> TOKEN = Metadata.Key.of(ActorToken.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final ClientCall<Q, R> delegate;
    private final String method;
    private final TokenMinter minter;
    private Listener<R> listener;
    private Metadata headers;
    private int requested;
    private Boolean compression;
    private boolean started;

    TokenOnFirstMessage(ClientCall<Q, R> delegate, String method, TokenMinter minter) {
        this.delegate = delegate;
        this.method = method;
        this.minter = minter;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
        this.listener = listener;
        this.headers = headers;
    }

    @Override
    public void request(int count) {
        if (started) {
            delegate.request(count);
        } else {
            requested += count;
        }
    }

    @Override
    public void sendMessage(Q message) {
        begin(RequestActor.of(message));
        delegate.sendMessage(message);
    }

    @Override
    public void halfClose() {
        begin(null);
        delegate.halfClose();
    }

    @Override
    public void cancel(String message, Throwable cause) {
        if (listener != null) {
            begin(null);
        }
        delegate.cancel(message, cause);
    }

    @Override
    public boolean isReady() {
        return started && delegate.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
        if (started) {
            delegate.setMessageCompression(enabled);
        } else {
            compression = enabled;
        }
    }

    @Override
    public Attributes getAttributes() {
        return delegate.getAttributes();
    }

    private void begin(RequestActor actor) {
        if (started) {
            return;
        }
        started = true;
        if (actor != null && !actor.actor().isEmpty()) {
            headers.put(TOKEN, minter.mint(method, actor));
        }
        delegate.start(listener, headers);
        if (compression != null) {
            delegate.setMessageCompression(compression);
        }
        if (requested > 0) {
            delegate.request(requested);
        }
    }
}
