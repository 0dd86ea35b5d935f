package io.safeframe.curation;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLException;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;

/**
 * A gRPC channel that presents the curation job's service certificate (docs/service-identity.md): the services
 * allow {@code curation} on exactly the RPCs this job calls.
 */
final class IdentityChannel {

    private static final int MAX_MESSAGE_BYTES = 256 << 20;

    private IdentityChannel() {
    }

    static ManagedChannel to(String target, Path identityDir) {
        for (String file : new String[] { "tls.crt", "tls.key", "ca.crt" }) {
            if (!Files.isReadable(identityDir.resolve(file))) {
                throw new IllegalStateException("no service identity: " + identityDir.resolve(file) + " is missing (docs/curation.md)");
            }
        }
        int colon = target.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("a service address is host:port, not '" + target + "'");
        }
        try {
            return NettyChannelBuilder.forAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))
                    .sslContext(GrpcSslContexts.forClient().trustManager(identityDir.resolve("ca.crt").toFile())
                            .keyManager(identityDir.resolve("tls.crt").toFile(), identityDir.resolve("tls.key").toFile()).build())
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
        } catch (SSLException e) {
            throw new IllegalStateException("the service identity in " + identityDir + " could not be loaded: " + e.getMessage(), e);
        }
    }
}
