-- Audit events written in the same transaction as the decision they record (a durable enqueue: the decision and its
-- audit event commit together or not at all), sealed into the hash chain moments later by the outbox relay, so the
-- caller never waits for the chain's append lock.
create table audit_outbox (
    id bigserial primary key,
    draft jsonb not null,
    enqueued_at timestamptz not null default now()
);
