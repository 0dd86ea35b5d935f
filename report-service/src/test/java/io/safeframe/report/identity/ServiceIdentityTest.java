package io.safeframe.report.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.safeframe.api.v1.ClaimRequest;
import io.safeframe.api.v1.QueuesRequest;
import io.safeframe.api.v1.ReportServiceGrpc;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.identity.actor.ActorClaims;
import io.safeframe.identity.actor.ActorToken;
import io.safeframe.identity.audit.Refusal;
import io.safeframe.identity.ca.Pem;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.TestIdentities;
import jakarta.inject.Inject;

/**
 * report-service takes moderators' decisions, so only the gateway may call it, and only with the moderator's actor
 * token; every refusal is recorded (here: the security log event, captured).
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class ServiceIdentityTest {

    static final int TLS_PORT = 9485;
    static final String LIST_QUEUES = "safeframe.v1.ReportService/ListQueues";
    static final String CLAIM_NEXT = "safeframe.v1.ReportService/ClaimNext";

    @Inject
    RecordedRefusals refusals;

    final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void aCallWithNoCertificateIsRefusedAndRecorded() {
        String cid = id();
        assertCode(Status.Code.UNAUTHENTICATED, () -> stub(IdentityChannels.plainText(9085)).listQueues(queues("maria", cid)));
        assertCode(Status.Code.UNAUTHENTICATED, () -> stub(IdentityChannels.withoutCertificate(TLS_PORT)).listQueues(queues("maria", cid)));
        assertTrue(refusals.recorded().stream().filter(r -> r.method().equals(LIST_QUEUES) && r.caller().isEmpty()
                && r.status().equals("UNAUTHENTICATED")).count() >= 2, refusals.recorded().toString());
    }

    @Test
    void onlyTheGatewayMayClaimCases() {
        ReportServiceBlockingStub policy = stub(IdentityChannels.as("policy-service", TLS_PORT));
        assertCode(Status.Code.PERMISSION_DENIED, () -> policy.claimNext(ClaimRequest.newBuilder().setContext(context("policy-service", id())).build()));
        assertTrue(refusals.recorded().stream().anyMatch(r -> r.method().equals(CLAIM_NEXT) && r.caller().equals("policy-service")));
    }

    @Test
    void aForgedModeratorIsRefusedAndTheRealOneGetsThrough() throws Exception {
        String cid = id();
        ReportServiceBlockingStub forged = stub(IdentityChannels.as("gateway-service", TLS_PORT)).withInterceptors(token("mike", cid));
        assertCode(Status.Code.PERMISSION_DENIED, () -> forged.listQueues(queues("maria", cid)));
        Refusal refusal = refusals.recorded().stream().filter(r -> r.correlationId().equals(cid)).findFirst().orElseThrow();
        assertEquals("maria", refusal.claimedActor());
        assertEquals("gateway-service", refusal.caller());

        String real = id();
        ReportServiceBlockingStub gateway = stub(IdentityChannels.as("gateway-service", TLS_PORT)).withInterceptors(token("maria", real));
        gateway.listQueues(queues("maria", real)); // no exception: the token names the request's actor
        assertTrue(refusals.recorded().stream().noneMatch(r -> r.correlationId().equals(real)));
    }

    private ReportServiceBlockingStub stub(ManagedChannel channel) {
        channels.add(channel);
        return ReportServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static io.grpc.ClientInterceptor token(String actor, String cid) throws Exception {
        Instant now = Instant.now();
        String token = ActorToken.mint(new ActorClaims("gateway-service", actor, LIST_QUEUES, cid, now, now.plusSeconds(60)),
                Pem.readPrivateKey(TestIdentities.of("gateway-service").resolve("tls.key")));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(ActorToken.HEADER, Metadata.ASCII_STRING_MARSHALLER), token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static QueuesRequest queues(String actor, String cid) {
        return QueuesRequest.newBuilder().setContext(context(actor, cid)).build();
    }

    private static RequestContext context(String actor, String cid) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId(cid).build();
    }

    private static String id() {
        return "identity-" + UUID.randomUUID();
    }

    private static void assertCode(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }
}
