-- The retained window of recent screenings (issue 24 item 3b, docs/policy-lifecycle.md): what a backtest on live
-- traffic replays. The prompt only encrypted (AES-256-GCM under a key derived from the audit HMAC key named by
-- key_id; the row's target is the associated data), kept for safeframe.screening-window.retention, then deleted.
create table screening_window (
    id bigserial primary key,
    recorded_at timestamptz not null default now(),
    account_id text,
    target text not null,
    decision text not null,
    rule_id text not null,
    policy_version text not null,
    key_id text not null,
    nonce bytea not null,
    ciphertext bytea not null
);
create index screening_window_recent on screening_window (recorded_at desc);
create index screening_window_account on screening_window (account_id);
