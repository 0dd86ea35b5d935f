package io.safeframe.likeness.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.CameoRequest;
import io.safeframe.api.v1.CheckPromptRequest;
import io.safeframe.api.v1.LikenessGrpc;
import io.safeframe.api.v1.LikenessGrpc.LikenessBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.identity.actor.ActorClaims;
import io.safeframe.identity.actor.ActorToken;
import io.safeframe.identity.ca.Pem;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.TestIdentities;

/**
 * Biometric data: only the gateway may call the registry, and an owner's controls only with that owner's actor
 * token, so nobody can unenrol or re-grant someone else's cameo by naming them.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class ServiceIdentityTest {

    static final int TLS_PORT = 9488;
    static final String UNENROL = "safeframe.v1.Likeness/Unenrol";
    static final String GET_CAMEO = "safeframe.v1.Likeness/GetCameo";

    final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void noCertificateNoCall() {
        assertCode(Status.Code.UNAUTHENTICATED, () -> stub(IdentityChannels.plainText(9088)).getCameo(request("alice", id())));
        assertCode(Status.Code.UNAUTHENTICATED, () -> stub(IdentityChannels.withoutCertificate(TLS_PORT)).getCameo(request("alice", id())));
    }

    @Test
    void onlyTheGatewayMayCall() {
        for (String service : List.of("frame-classifier-service", "report-service", "provenance-service")) {
            LikenessBlockingStub other = stub(IdentityChannels.as(service, TLS_PORT));
            assertCode(Status.Code.PERMISSION_DENIED, () -> other.checkPrompt(CheckPromptRequest.newBuilder()
                    .setContext(RequestContext.newBuilder().setActor(service).setAccountId("bob").setCorrelationId(id())).setPrompt("@alice").build()));
        }
    }

    @Test
    void anOwnerNamedWithoutTheirTokenIsRefusedTheRealOneGetsThrough() throws Exception {
        String cid = id();
        LikenessBlockingStub forged = stub(IdentityChannels.as("gateway-service", TLS_PORT)).withInterceptors(token("mallory", UNENROL, cid));
        assertCode(Status.Code.PERMISSION_DENIED, () -> forged.unenrol(request("alice", cid)));
        assertCode(Status.Code.PERMISSION_DENIED, () -> stub(IdentityChannels.as("gateway-service", TLS_PORT)).unenrol(request("alice", id())));
        String real = id();
        LikenessBlockingStub gateway = stub(IdentityChannels.as("gateway-service", TLS_PORT)).withInterceptors(token("alice", GET_CAMEO, real));
        // through identity: the registry's own answer (alice has no cameo)
        assertCode(Status.Code.NOT_FOUND, () -> gateway.getCameo(request("alice", real)));
    }

    private LikenessBlockingStub stub(ManagedChannel channel) {
        channels.add(channel);
        return LikenessGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static io.grpc.ClientInterceptor token(String actor, String method, String cid) throws Exception {
        Instant now = Instant.now();
        String token = ActorToken.mint(new ActorClaims("gateway-service", actor, method, cid, now, now.plusSeconds(60)),
                Pem.readPrivateKey(TestIdentities.of("gateway-service").resolve("tls.key")));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(ActorToken.HEADER, Metadata.ASCII_STRING_MARSHALLER), token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static CameoRequest request(String actor, String cid) {
        return CameoRequest.newBuilder().setContext(RequestContext.newBuilder().setActor(actor).setAccountId(actor).setCorrelationId(cid)).build();
    }

    private static String id() {
        return "identity-" + UUID.randomUUID();
    }

    private static void assertCode(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }
}
