package io.safeframe.policy.standing;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** History of every sanction applied to an account, kept after it is lifted (users see it in their export). */
@Entity
@Table(name = "sanction")
public class Sanction extends PanacheEntityBase {

    @Id
    @Column(name = "sanction_id")
    public UUID sanctionId;

    @Column(name = "account_id")
    public String accountId;

    public String kind;

    public String reason;

    @Column(name = "case_id")
    public String caseId;

    public String actor;

    @Column(name = "starts_at")
    public Instant startsAt;

    @Column(name = "ends_at")
    public Instant endsAt;

    @Column(name = "lifted_at")
    public Instant liftedAt;

    @Column(name = "lift_reason")
    public String liftReason;
}
