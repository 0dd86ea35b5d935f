package io.safeframe.identity.client;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.safeframe.identity.IdentityConfig;
import io.safeframe.identity.ca.Pem;

/**
 * On a token issuer (the gateway): every outgoing call carries an actor token for the actor its request names,
 * minted for that RPC and correlation id and signed with this service's TLS key. Elsewhere (no
 * {@code safeframe.identity.token-key}) calls go out unchanged.
 */
@GlobalInterceptor
@ApplicationScoped
public class ActorTokenInterceptor implements ClientInterceptor {

    private final TokenMinter minter;

    public ActorTokenInterceptor(IdentityConfig config) {
        this.minter = config.tokenKey().map(path -> new TokenMinter(config.serviceName(), load(path), config.tokenTtl(),
                Clock.systemUTC())).orElse(null);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        return minter == null ? call : new TokenOnFirstMessage<>(call, method.getFullMethodName(), minter);
    }

    private static PrivateKey load(String path) {
        try {
            return Pem.readPrivateKey(Path.of(path));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("safeframe.identity.token-key: cannot read the signing key " + path, e);
        }
    }
}
