package io.safeframe.testing;

import java.nio.file.Path;

import javax.net.ssl.SSLException;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;

/** gRPC channels for identity tests: as a given service (its test certificate), TLS without one, or plain text. */
public final class IdentityChannels {

    private IdentityChannels() {
    }

    /** Presents {@code service}'s certificate on the service's TLS port. */
    public static ManagedChannel as(String service, int tlsPort) {
        Path dir = TestIdentities.of(service);
        return tls(tlsPort, GrpcSslContexts.forClient().trustManager(dir.resolve("ca.crt").toFile())
                .keyManager(dir.resolve("tls.crt").toFile(), dir.resolve("tls.key").toFile()));
    }

    /** TLS that trusts the service CA but shows no client certificate. */
    public static ManagedChannel withoutCertificate(int tlsPort) {
        return tls(tlsPort, GrpcSslContexts.forClient().trustManager(TestIdentities.of("gateway-service").resolve("ca.crt").toFile()));
    }

    /** Plain HTTP/2 to the HTTP port (where health probes go). */
    public static ManagedChannel plainText(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static ManagedChannel tls(int port, SslContextBuilder ssl) {
        try {
            return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
