-- Generation jobs and their state machine. Prompts are kept only while a job may still need them
-- (screening, review); the audit log in policy-service has only their HMAC.
create table generation_job (
    job_id           uuid primary key,
    account_id       text        not null,
    idempotency_key  text,
    state            text        not null,
    prompt           text,
    duration_seconds int         not null,
    aspect           text        not null,
    reservation_id   text,
    correlation_id   text        not null,
    verdicts         text        not null default '[]',
    failure          text,
    retry_after_s    int,
    asset_id         text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    version          bigint      not null default 0
);
create unique index generation_job_idempotency on generation_job (account_id, idempotency_key) where idempotency_key is not null;
create index generation_job_account on generation_job (account_id, created_at desc);
create index generation_job_open on generation_job (state) where state not in ('PUBLISHED', 'BLOCKED', 'FAILED');
