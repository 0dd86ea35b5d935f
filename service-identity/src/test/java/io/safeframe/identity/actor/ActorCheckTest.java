package io.safeframe.identity.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.safeframe.identity.access.AllowList;
import io.safeframe.identity.peer.Caller;

/** The actor rules without a network: who may name which actor, with and without a token. */
class ActorCheckTest {

    static final String LIFT = "safeframe.v1.PolicyService/LiftSanction";
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    final KeyPair gatewayKey = ec();
    final KeyPair otherKey = ec();
    final Caller gateway = new Caller("gateway-service", gatewayKey.getPublic());
    final Caller report = new Caller("report-service", otherKey.getPublic());
    final Caller provenance = new Caller("provenance-service", otherKey.getPublic());
    final ActorCheck check = new ActorCheck(List.of("gateway-service"), Map.of("\"" + LIFT + "\"", List.of("report-service")),
            new AllowList(Map.of(), List.of()), Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aTokenForTheSameActorRequestAndMethodStands() {
        String token = mint(gatewayKey, "bob", LIFT, "c1", NOW, NOW.plusSeconds(60));
        assertEquals(Optional.empty(), check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), token));
    }

    @Test
    void aForgedActorIsRefusedEvenWithAValidToken() {
        String token = mint(gatewayKey, "bob", LIFT, "c1", NOW, NOW.plusSeconds(60));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("maria", "c1"), token).orElseThrow().contains("differs"));
    }

    @Test
    void aTokenIsBoundToItsMethodAndRequest() {
        String token = mint(gatewayKey, "bob", "safeframe.v1.PolicyService/GetStanding", "c1", NOW, NOW.plusSeconds(60));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), token).orElseThrow().contains("minted for"));
        String other = mint(gatewayKey, "bob", LIFT, "c2", NOW, NOW.plusSeconds(60));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), other).isPresent());
    }

    @Test
    void aTokenNotSignedWithTheCallersCertificateKeyIsRefused() {
        String token = mint(otherKey, "bob", LIFT, "c1", NOW, NOW.plusSeconds(60));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), token).orElseThrow().contains("signature"));
    }

    @Test
    void expiredAndLongLivedTokensAreRefused() {
        String expired = mint(gatewayKey, "bob", LIFT, "c1", NOW.minusSeconds(120), NOW.minusSeconds(61));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), expired).orElseThrow().contains("expired"));
        String longLived = mint(gatewayKey, "bob", LIFT, "c1", NOW, NOW.plusSeconds(3600));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), longLived).orElseThrow().contains("longer"));
    }

    @Test
    void onlyATokenIssuerMayPresentATokenAndTheGatewayNeedsOneForUsers() {
        String token = mint(otherKey, "bob", LIFT, "c1", NOW, NOW.plusSeconds(60));
        assertTrue(check.refusal(provenance, LIFT, new RequestActor("bob", "c1"), token).orElseThrow().contains("may not issue"));
        assertTrue(check.refusal(gateway, LIFT, new RequestActor("bob", "c1"), null).orElseThrow().contains("without an actor token"));
    }

    @Test
    void servicesActAsThemselvesAndListedRelaysPassOnActors() {
        assertEquals(Optional.empty(), check.refusal(provenance, LIFT, new RequestActor("provenance-service", "c"), null));
        assertEquals(Optional.empty(), check.refusal(provenance, LIFT, new RequestActor("", ""), null));
        assertEquals(Optional.empty(), check.refusal(report, LIFT, new RequestActor("maria", "c"), null));
        assertTrue(check.refusal(report, "safeframe.v1.PolicyService/GetStanding", new RequestActor("maria", "c"), null).isPresent(),
                "report-service relays only for the RPCs it is listed for");
    }

    static String mint(KeyPair key, String actor, String method, String cid, Instant iat, Instant exp) {
        return ActorToken.mint(new ActorClaims("gateway-service", actor, method, cid, iat, exp), key.getPrivate());
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
