package io.safeframe.policy.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AccountState;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.PolicyServiceGrpc;
import io.safeframe.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.StandingRequest;
import io.safeframe.identity.actor.ActorClaims;
import io.safeframe.identity.actor.ActorToken;
import io.safeframe.identity.ca.Pem;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.TestIdentities;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Issue 16, part 3: internal gRPC needs an identity. Each refusal must be refused with the right code and leave an
 * "identity.refused" event in the audit chain; the legitimate callers still get through. The calls go over real
 * (m)TLS to this service's HTTPS test port, with the test CA's certificates.
 */
@QuarkusTest
class ServiceIdentityTest {

    static final int HTTP_PORT = 9081;
    static final int TLS_PORT = 9481;
    static final String GET_STANDING = "safeframe.v1.PolicyService/GetStanding";
    static final String LIFT_SANCTION = "safeframe.v1.PolicyService/LiftSanction";
    static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    Pool pool;

    @Inject
    io.safeframe.policy.AuditOutboxRelay relay;

    final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void aCallWithNoCertificateIsRefusedAndAudited() {
        long before = refusals(GET_STANDING, "none");
        // plain HTTP/2 on the HTTP port, where health probes go
        assertCode(Status.Code.UNAUTHENTICATED, () -> stub(IdentityChannels.plainText(HTTP_PORT)).getStanding(standing("bob", "bob", id())));
        // TLS to the gRPC port, but without a client certificate
        assertCode(Status.Code.UNAUTHENTICATED,
                () -> stub(IdentityChannels.withoutCertificate(TLS_PORT)).getStanding(standing("bob", "bob", id())));
        awaitRefusals(GET_STANDING, "none", before + 2);
    }

    @Test
    void anotherServicesCertificateOnAnRpcItMayNotCallIsRefusedAndAudited() {
        long before = refusals(LIFT_SANCTION, "provenance-service");
        PolicyServiceBlockingStub provenance = stub(IdentityChannels.as("provenance-service", TLS_PORT));
        // provenance-service has a valid certificate from the service CA, but LiftSanction is not its to call
        StatusRuntimeException refused = assertCode(Status.Code.PERMISSION_DENIED, () -> provenance.liftSanction(LiftSanctionRequest.newBuilder()
                .setContext(context("provenance-service", id())).setAccountId("acct-" + id()).setCaseId("case-1").setReason("forged").build()));
        assertTrue(refused.getStatus().getDescription().contains("provenance-service is not allowed"), refused.getStatus().getDescription());
        awaitRefusals(LIFT_SANCTION, "provenance-service", before + 1);
    }

    @Test
    void aForgedActorIsRefusedAndAudited() throws Exception {
        String cid = id();
        // the gateway's certificate and a valid actor token for bob, but the request names maria
        PolicyServiceBlockingStub gateway = stub(IdentityChannels.as("gateway-service", TLS_PORT))
                .withInterceptors(token("bob", GET_STANDING, cid));
        StatusRuntimeException refused = assertCode(Status.Code.PERMISSION_DENIED, () -> gateway.getStanding(standing("maria", "maria", cid)));
        assertTrue(refused.getStatus().getDescription().contains("differs from the actor token"), refused.getStatus().getDescription());
        Row event = awaitEvent(cid);
        assertEquals("service-identity", event.getString("actor"), "the refused actor is not recorded as the actor");
        assertEquals(GET_STANDING, event.getString("target"));
        assertTrue(event.getString("attributes").contains("\"claimed_actor\":\"maria\""), event.getString("attributes"));
        assertTrue(event.getString("attributes").contains("\"caller\":\"gateway-service\""), event.getString("attributes"));
    }

    @Test
    void aUserActorWithoutATokenOrFromANonRelayingServiceIsRefused() {
        String cid = id();
        PolicyServiceBlockingStub gateway = stub(IdentityChannels.as("gateway-service", TLS_PORT));
        assertCode(Status.Code.PERMISSION_DENIED, () -> gateway.getStanding(standing("maria", "maria", cid)));
        awaitEvent(cid);
        // report-service may pass on moderators' actors only where it relays decisions (not to read standing)
        String other = id();
        PolicyServiceBlockingStub report = stub(IdentityChannels.as("report-service", TLS_PORT));
        assertCode(Status.Code.PERMISSION_DENIED, () -> report.getStanding(standing("maria", "maria", other)));
        awaitEvent(other);
    }

    @Test
    void theLegitimateCallersGetThrough() throws Exception {
        String cid = id();
        PolicyServiceBlockingStub gateway = stub(IdentityChannels.as("gateway-service", TLS_PORT))
                .withInterceptors(token("bob", GET_STANDING, cid));
        assertEquals(AccountState.ACTIVE, gateway.getStanding(standing("bob", "acct-" + cid, cid)).getState());
        // report-service relays a moderator's decision: the moderator stays the actor in the chain
        String relayed = id();
        stub(IdentityChannels.as("report-service", TLS_PORT)).recordAudit(AuditEvent.newBuilder().setAction("case.decided")
                .setContext(context("moderator-7", relayed)).setTarget("case-" + relayed).build());
        // recorded events reach the chain moments later (the outbox relay); seal them before reading the table
        relay.sealNow().await().atMost(WAIT);
        Row row = pool.preparedQuery("select actor from audit_event where correlation_id = $1").execute(Tuple.of(relayed))
                .await().atMost(WAIT).iterator().next();
        assertEquals("moderator-7", row.getString("actor"));
        assertEquals(0, count("select count(*) as n from audit_event where action = 'identity.refused' and correlation_id in ($1, $2)",
                cid, relayed));
    }

    private PolicyServiceBlockingStub stub(ManagedChannel channel) {
        channels.add(channel);
        return PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** An actor token as the gateway mints it, signed with the gateway's test key. */
    private static io.grpc.ClientInterceptor token(String actor, String method, String cid) throws Exception {
        Path key = TestIdentities.of("gateway-service").resolve("tls.key");
        Instant now = Instant.now();
        String token = ActorToken.mint(new ActorClaims("gateway-service", actor, method, cid, now, now.plusSeconds(60)), Pem.readPrivateKey(key));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(ActorToken.HEADER, Metadata.ASCII_STRING_MARSHALLER), token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static StandingRequest standing(String actor, String account, String cid) {
        return StandingRequest.newBuilder().setContext(context(actor, cid)).setAccountId(account).build();
    }

    private static RequestContext context(String actor, String cid) {
        return RequestContext.newBuilder().setActor(actor).setCorrelationId(cid).build();
    }

    private static String id() {
        return "identity-" + UUID.randomUUID();
    }

    private static StatusRuntimeException assertCode(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        return e;
    }

    private long refusals(String method, String caller) {
        return count("select count(*) as n from audit_event where action = 'identity.refused' and target = $1 and attributes like $2",
                method, "%\"caller\":\"" + caller + "\"%");
    }

    /** Refusals are appended asynchronously (the call is answered first): wait for them. */
    private void awaitRefusals(String method, String caller, long atLeast) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (refusals(method, caller) < atLeast) {
            assertTrue(System.nanoTime() < deadline, "no audit event for the refused call to " + method + " by " + caller);
            sleep();
        }
    }

    private Row awaitEvent(String cid) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var rows = pool.preparedQuery("select actor, target, attributes from audit_event where action = 'identity.refused' and correlation_id = $1")
                    .execute(Tuple.of(cid)).await().atMost(WAIT);
            if (rows.size() > 0) {
                return rows.iterator().next();
            }
            assertTrue(System.nanoTime() < deadline, "no audit event for the refused request " + cid);
            sleep();
        }
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(WAIT).iterator().next().getLong("n");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
