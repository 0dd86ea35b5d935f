package io.safeframe.policy.quota;

import java.time.Instant;

/** The outcome of one Authorize: either a reservation on the account's quota or a refusal with its reason. */
public record Reservation(
        boolean granted,
        String reservationId,
        String tier,
        int remainingToday,
        Instant expiresAt,
        String refusalCode,
        String reason) {

    static Reservation granted(String id, String tier, int remaining, Instant expiresAt) {
        return new Reservation(true, id, tier, remaining, expiresAt, null, "within the " + tier + " tier's quota");
    }

    static Reservation refused(String tier, int remaining, String code, String reason) {
        return new Reservation(false, "", tier, remaining, null, code, reason);
    }
}
