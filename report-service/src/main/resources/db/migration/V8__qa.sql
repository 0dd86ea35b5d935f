-- Blind second review (docs/moderator-care.md): a deterministic share of decided cases (a hash of the case id) is
-- reviewed again by another moderator who does not see the first decision. A measurement only: nothing here acts on
-- content or accounts. The first decision (moderator, action) is read from the decision row, never copied.
create table qa_review (
    case_id          uuid primary key references report_case,
    decision_id      uuid not null unique references decision,
    queue            text not null,
    state            text not null check (state in ('OPEN', 'CLAIMED', 'REVIEWED')),
    sampled_at       timestamptz not null,
    claimed_by       text,
    lease_until      timestamptz,
    second_moderator text,
    second_action    text,
    reviewed_at      timestamptz,
    check ((state = 'REVIEWED') = (second_moderator is not null and second_action is not null and reviewed_at is not null))
);
create index qa_review_waiting on qa_review (sampled_at) where state <> 'REVIEWED';
