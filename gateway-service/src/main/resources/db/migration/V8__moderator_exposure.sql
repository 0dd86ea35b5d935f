-- Moderator care (docs/moderator-care.md): every time a moderator reveals a flagged clip at full impact. Reveals in
-- the severest queues count against the moderator's exposure budget for a shift.
create table moderator_exposure (
    moderator   text not null,
    case_id     text not null,
    queue       text not null,
    counted     boolean not null,
    revealed_at timestamptz not null default now()
);
create index moderator_exposure_recent on moderator_exposure (moderator, revealed_at);
