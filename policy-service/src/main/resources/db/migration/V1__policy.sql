-- Accounts' standing. Created on first contact with the default tier.
create table account (
    account_id      text primary key,
    tier            text        not null default 'free',
    state           text        not null default 'ACTIVE' check (state in ('ACTIVE', 'SUSPENDED', 'BANNED')),
    reason          text,
    case_id         text,
    suspended_until timestamptz,
    strikes         int         not null default 0,
    -- jobs reserved and not yet committed or refunded (concurrent-jobs limit)
    in_flight       int         not null default 0 check (in_flight >= 0),
    -- set by the anomaly detector: stricter policy until then
    throttled_until timestamptz,
    version         bigint      not null default 0,
    created_at      timestamptz not null default now()
);

-- One row per account and UTC day; the conditional UPDATE on it is what makes quotas exact.
create table quota_day (
    account_id text not null,
    day        date not null,
    used       int  not null default 0 check (used >= 0),
    primary key (account_id, day)
);

create table quota_minute (
    account_id text        not null,
    minute     timestamptz not null,
    used       int         not null default 0 check (used >= 0),
    primary key (account_id, minute)
);

create table reservation (
    reservation_id  uuid primary key,
    account_id      text        not null,
    day             date        not null,
    idempotency_key text,
    state           text        not null check (state in ('RESERVED', 'COMMITTED', 'REFUNDED', 'EXPIRED')),
    video_seconds   int         not null,
    correlation_id  text,
    created_at      timestamptz not null default now(),
    expires_at      timestamptz not null,
    finished_at     timestamptz
);
create unique index reservation_idempotency on reservation (account_id, idempotency_key) where idempotency_key is not null;
create index reservation_open on reservation (expires_at) where state = 'RESERVED';

create table sanction (
    sanction_id  uuid primary key,
    account_id   text        not null,
    kind         text        not null,
    reason       text        not null,
    case_id      text,
    actor        text        not null,
    starts_at    timestamptz not null default now(),
    ends_at      timestamptz,
    lifted_at    timestamptz,
    lift_reason  text
);
create index sanction_account on sanction (account_id);

-- Append-only audit log; each event carries the hash of the previous one.
create table audit_event (
    seq            bigint primary key,
    occurred_at    timestamptz not null,
    actor          text        not null,
    account_id     text,
    action         text        not null,
    target         text,
    decision       text,
    reason         text,
    correlation_id text,
    prompt_hmac    text,
    attributes     text        not null default '{}',
    prev_hash      text        not null,
    event_hash     text        not null
);
create index audit_event_account on audit_event (account_id);
create index audit_event_correlation on audit_event (correlation_id);

-- Every N events or T seconds: a Merkle root over the batch, signed (Ed25519).
create table audit_checkpoint (
    checkpoint_id bigserial primary key,
    first_seq     bigint      not null,
    last_seq      bigint      not null,
    merkle_root   text        not null,
    key_id        text        not null,
    signature     text        not null,
    created_at    timestamptz not null default now()
);

revoke update, delete, truncate on audit_event from public;

-- Anomaly detector state: one EWMA per account and signal.
create table usage_signal (
    account_id   text             not null,
    signal       text             not null,
    ewma         double precision not null default 0,
    ewm_var      double precision not null default 0,
    samples      bigint           not null default 0,
    window_start timestamptz      not null,
    window_count int              not null default 0,
    primary key (account_id, signal)
);

create table anomaly_flag (
    flag_id     uuid primary key,
    account_id  text             not null,
    signal      text             not null,
    observed    double precision not null,
    expected    double precision not null,
    z_score     double precision not null,
    reason      text             not null,
    raised_at   timestamptz      not null default now()
);
create index anomaly_flag_account on anomaly_flag (account_id);
