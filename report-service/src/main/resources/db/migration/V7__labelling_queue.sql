-- Active learning (docs/safety-data.md): prompts the guard was least sure of, offered for a human label. Only from
-- accounts that consented to training use, scrubbed before storage, one item per near-duplicate signature.
create table labelling_item (
    item_id          uuid primary key,
    account          text not null,
    prompt_text      text not null,
    signature        bigint not null unique,
    machine_decision text not null,
    category         text not null,
    review_margin    double precision not null,
    policy_version   text,
    state            text not null check (state in ('PENDING', 'LABELLED')),
    offered_at       timestamptz not null,
    label            text check (label in ('unsafe', 'safe')),
    label_category   text,
    labelled_by      text,
    labelled_at      timestamptz
);
create index labelling_item_pending on labelling_item (review_margin, offered_at) where state = 'PENDING';
create index labelling_item_by_account on labelling_item (account, offered_at);

-- A label from the labelling queue has no case: it is a judgement about a prompt, not a moderation decision.
alter table safety_label alter column case_id drop not null;
alter table safety_label drop constraint safety_label_source_check;
alter table safety_label add constraint safety_label_source_check
    check (source in ('dispute', 'moderator_decision', 'appeal', 'labelling'));
