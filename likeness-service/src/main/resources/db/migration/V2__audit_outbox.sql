-- Consent-change audit events (enrolled, audience set, granted, revoked, unenrolled, takedown requested, protected
-- person added/removed) wait here, written in the transaction that makes the change, until audit/AuditRelay has
-- recorded them in policy-service's chain: in order, at least once. A consent change no longer waits for
-- policy-service, so revoking works while it is down, and no change is ever made without its event.
create table audit_outbox (
    id              bigserial primary key,
    -- a safeframe.v1.AuditEvent (ids, handles, accounts; never a descriptor or a photo)
    event           bytea not null,
    created_at      timestamptz not null default now(),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    delivered_at    timestamptz
);
create index audit_outbox_pending on audit_outbox (id) where delivered_at is null;
