package io.safeframe.identity.actor;

import java.time.Instant;

/**
 * What an actor token says: issuer (the minting service), subject (the actor), the one RPC and correlation id it
 * was minted for, and its life.
 */
public record ActorClaims(String issuer, String subject, String method, String correlationId, Instant issuedAt,
        Instant expiresAt) {
}
