-- The safety data loop (docs/safety-data.md): disputes, labels, training-use consent, dataset snapshots.

-- The prompt a PROMPT case is about, as the gateway forwarded it (held prompts and disputes): a label needs the text.
alter table report_case add column prompt_text text;

-- A job's owner says the block or hold was wrong. One dispute per job: its outcome is final here (the decision can
-- still be appealed). The case is the job's open case (a held prompt) or one opened for the dispute (source DISPUTE).
create table dispute (
    dispute_id  uuid primary key,
    case_id     uuid not null references report_case,
    job_id      text not null unique,
    account     text not null,
    reason      text,
    stage       text not null,
    state       text not null check (state in ('OPEN', 'RESOLVED')),
    decision_id uuid references decision,
    created_at  timestamptz not null,
    resolved_at timestamptz
);
create index dispute_by_case on dispute (case_id) where state = 'OPEN';

-- One row per human judgement about an item: a dispute's resolution, a moderator's decision, an appeal's outcome.
-- The one table a label consumer reads (ListLabels; exports filter it by consent and scrub it).
create table safety_label (
    label_id         uuid primary key,
    source           text not null check (source in ('dispute', 'moderator_decision', 'appeal')),
    case_id          uuid not null references report_case,
    decision_id      uuid references decision,
    appeal_id        uuid references appeal,
    target_kind      text not null,
    target_id        text not null,
    account          text,
    prompt_text      text,
    category         text not null,
    decision         text not null check (decision in ('ALLOW', 'BLOCK')),
    action           text not null,
    rationale        text not null,
    policy_version   text,
    machine_decision text,
    labelled_by      text not null,
    labelled_at      timestamptz not null
);
create index safety_label_by_time on safety_label (labelled_at desc);
create index safety_label_by_account on safety_label (account);

-- Training-use consent per account (a user setting, default off: no row means no consent).
create table account_setting (
    account      text primary key,
    training_use boolean not null,
    updated_at   timestamptz not null
);

-- Dataset snapshots: numbered, written once, never changed (the trigger refuses updates and deletes).
create table dataset_snapshot (
    version         integer primary key,
    created_at      timestamptz not null,
    created_by      text not null,
    min_slice_count integer not null,
    labels_jsonl      text not null,
    preferences_jsonl text not null,
    datasheet_md      text not null
);
create function dataset_snapshot_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'dataset snapshots are immutable; create a new version';
end $$;
create trigger dataset_snapshot_no_change before update or delete on dataset_snapshot
    for each row execute function dataset_snapshot_immutable();
