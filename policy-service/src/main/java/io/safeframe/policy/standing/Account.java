package io.safeframe.policy.standing;

import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    public String tier;

    /** ACTIVE, SUSPENDED or BANNED. A suspension past its end reads as ACTIVE (see {@link #effectiveState}). */
    public String state;

    public String reason;

    @Column(name = "case_id")
    public String caseId;

    @Column(name = "suspended_until")
    public Instant suspendedUntil;

    public int strikes;

    @Column(name = "in_flight", insertable = false, updatable = false)
    public int inFlight;

    @Column(name = "throttled_until")
    public Instant throttledUntil;

    @Version
    public long version;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public String effectiveState(Instant now) {
        if ("SUSPENDED".equals(state) && suspendedUntil != null && !suspendedUntil.isAfter(now)) {
            return "ACTIVE";
        }
        return state;
    }

    public boolean throttledAt(Instant now) {
        return throttledUntil != null && throttledUntil.isAfter(now);
    }
}
