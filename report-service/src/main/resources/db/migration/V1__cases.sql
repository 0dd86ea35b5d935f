-- Reports, cases, decisions, appeals, notices (EU DSA Art. 16, 17, 20) and the outbox that carries their
-- enforcement to policy-service. Times are timestamptz; ids are UUIDs made by the service.

-- One case per target while it is open: reports on the same target merge into it (report_count).
create table report_case (
    case_id            uuid primary key,
    target_kind        text not null check (target_kind in ('CONTENT', 'ACCOUNT', 'PROMPT')),
    target_id          text not null,
    owner_account      text,
    category           text not null,
    queue              text not null,
    state              text not null check (state in ('OPEN', 'CLAIMED', 'DECIDED')),
    -- NOTICE (Art. 16), TRUSTED_FLAGGER (Art. 22), AUTOMATED (a machine REVIEW verdict)
    source             text not null,
    report_count       integer not null default 0,
    max_reporter_trust double precision not null default 0,
    machine_score      double precision not null default 0,
    machine_verdict    bytea,
    views              bigint not null default 0,
    priority           double precision not null,
    created_at         timestamptz not null,
    sla_due_at         timestamptz not null,
    claimed_by         text,
    lease_until        timestamptz,
    claim_count        integer not null default 0,
    version            bigint not null default 1,
    decided_at         timestamptz
);
create unique index report_case_one_open_per_target on report_case (target_kind, target_id) where state <> 'DECIDED';
create index report_case_claimable on report_case (queue, priority desc) where state <> 'DECIDED';
create index report_case_owner on report_case (owner_account);

create table report (
    report_id       uuid primary key,
    case_id         uuid not null references report_case,
    category        text not null,
    reporter        text not null,
    anonymous       boolean not null,
    trusted_flagger boolean not null,
    good_faith      boolean not null,
    explanation     text not null,
    created_at      timestamptz not null,
    unique (case_id, reporter)
);
create index report_by_reporter on report (reporter, created_at);

-- How often a reporter's reports led to action; their trust is the Laplace-smoothed share.
create table reporter_record (
    reporter text primary key,
    upheld   integer not null default 0,
    rejected integer not null default 0
);

create table decision (
    decision_id         uuid primary key,
    case_id             uuid not null unique references report_case,
    action              text not null,
    escalated_to        text,
    suspension_seconds  bigint not null default 0,
    affected_account    text,
    target_kind         text not null,
    target_id           text not null,
    category            text not null,
    source              text not null,
    statement           jsonb not null,
    automated_detection boolean not null,
    automated_decision  boolean not null,
    decided_by          text not null,
    decided_at          timestamptz not null,
    case_created_at     timestamptz not null
);
create index decision_by_account on decision (affected_account, decided_at desc);
create index decision_by_time on decision (decided_at);

create table strike (
    strike_id   uuid primary key,
    account     text not null,
    decision_id uuid not null references decision,
    created_at  timestamptz not null,
    reversed    boolean not null default false
);
create index strike_by_account on strike (account, created_at);

create table content_status (
    target_id   text primary key,
    status      text not null check (status in ('VISIBLE', 'REMOVED', 'AGE_RESTRICTED')),
    decision_id uuid references decision,
    updated_at  timestamptz not null
);

create table appeal (
    appeal_id         uuid primary key,
    decision_id       uuid not null unique references decision,
    appellant         text not null,
    explanation       text not null,
    state             text not null check (state in ('PENDING', 'UPHELD', 'REVERSED')),
    filed_at          timestamptz not null,
    resolved_by       text,
    resolved_at       timestamptz,
    resolution_reason text
);

create table notice (
    notice_id   uuid primary key,
    account     text not null,
    kind        text not null,
    case_id     uuid,
    decision_id uuid,
    appeal_id   uuid,
    title       text not null,
    body        jsonb not null,
    created_at  timestamptz not null
);
create index notice_by_account on notice (account, created_at desc);

-- Enforcement and audit calls to policy-service, written in the same transaction as the decision and
-- delivered in order afterwards, so a decision is never half applied when policy-service is down.
create table outbox (
    id              bigserial primary key,
    kind            text not null check (kind in ('AUDIT', 'SANCTION', 'LIFT')),
    payload         bytea not null,
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    delivered_at    timestamptz,
    last_error      text
);
create index outbox_pending on outbox (id) where delivered_at is null;
