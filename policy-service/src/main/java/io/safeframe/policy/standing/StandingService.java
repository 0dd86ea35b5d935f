package io.safeframe.policy.standing;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Accounts' standing and the sanctions that change it. */
@ApplicationScoped
public class StandingService {

    public static final class InvalidSanction extends RuntimeException {
        public InvalidSanction(String message) {
            super(message);
        }
    }

    @WithSession
    public Uni<Account> find(String accountId) {
        return Account.<Account>findById(accountId);
    }

    /**
     * SUSPEND needs a positive duration; BAN is open-ended; THROTTLE moves the account to the stricter policy
     * for the duration. The newest sanction decides the state; lifting restores ACTIVE.
     */
    @WithTransaction
    public Uni<Account> apply(String accountId, String kind, Duration duration, String reason, String caseId, String actor) {
        if (reason == null || reason.isBlank()) {
            return Uni.createFrom().failure(new InvalidSanction("a sanction needs a reason the user can read"));
        }
        if (("SUSPEND".equals(kind) || "THROTTLE".equals(kind)) && (duration == null || duration.isZero() || duration.isNegative())) {
            return Uni.createFrom().failure(new InvalidSanction(kind + " needs a positive duration"));
        }
        if (!"SUSPEND".equals(kind) && !"BAN".equals(kind) && !"THROTTLE".equals(kind)) {
            return Uni.createFrom().failure(new InvalidSanction("unknown sanction kind '" + kind + "'"));
        }
        Instant now = Instant.now();
        return findOrCreate(accountId).chain(account -> {
            Sanction s = new Sanction();
            s.sanctionId = UUID.randomUUID();
            s.accountId = accountId;
            s.kind = kind;
            s.reason = reason;
            s.caseId = caseId;
            s.actor = actor;
            s.startsAt = now;
            s.endsAt = "BAN".equals(kind) ? null : now.plus(duration);
            switch (kind) {
                case "BAN" -> {
                    account.state = "BANNED";
                    account.suspendedUntil = null;
                }
                case "SUSPEND" -> {
                    if (!"BANNED".equals(account.state)) {
                        account.state = "SUSPENDED";
                        account.suspendedUntil = s.endsAt;
                    }
                }
                default -> account.throttledUntil = s.endsAt;
            }
            if (!"THROTTLE".equals(kind)) {
                account.reason = reason;
                account.caseId = caseId;
            }
            return s.persist().replaceWith(account);
        });
    }

    /** Lifts every active sanction (an appeal reversed it, or an admin decided so). */
    @WithTransaction
    public Uni<Account> lift(String accountId, String reason, String caseId, String actor) {
        Instant now = Instant.now();
        return findOrCreate(accountId).chain(account -> Sanction
                .update("liftedAt = ?1, liftReason = ?2 where accountId = ?3 and liftedAt is null"
                        + (caseId == null || caseId.isBlank() ? "" : " and caseId = ?4"),
                        caseId == null || caseId.isBlank() ? new Object[] { now, reason, accountId }
                                : new Object[] { now, reason, accountId, caseId })
                .map(n -> {
                    account.state = "ACTIVE";
                    account.suspendedUntil = null;
                    account.throttledUntil = null;
                    account.reason = reason;
                    account.caseId = caseId;
                    return account;
                }));
    }

    private Uni<Account> findOrCreate(String accountId) {
        return Account.<Account>findById(accountId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(existing);
            }
            Account fresh = new Account();
            fresh.accountId = accountId;
            fresh.tier = "free";
            fresh.state = "ACTIVE";
            return fresh.persist();
        });
    }
}
