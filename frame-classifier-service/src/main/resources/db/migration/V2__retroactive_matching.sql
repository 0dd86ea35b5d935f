-- Retroactive enforcement (docs/video-moderation.md): a hash added to a bank is also matched against clips already
-- classified, so content published before the bank knew it is found. Matches open cases; nothing is removed silently.

-- PDQ hashes of the frames of every clip classified as publishable (ALLOW or REVIEW), kept for the retroactive window
-- only (safeframe.retro.window); a hash is a perceptual fingerprint of a frame, not the frame.
create table seen_frame (
    content_id    text        not null,
    owner_account text        not null default '',
    frame_ms      bigint      not null,
    hash          bit(256)    not null,
    seen_at       timestamptz not null default now(),
    primary key (content_id, frame_ms)
);
create index seen_frame_age on seen_frame (seen_at);

-- The last bank entry (bank_hash.id) already matched against seen frames. One row: a replica takes its row lock, so
-- one replica at a time advances it.
create table retro_cursor (id integer primary key check (id = 1), last_hash_id bigint not null);
insert into retro_cursor values (1, 0);

-- One match per clip and bank. Pending until a case is opened for it, at most safeframe.retro.cases-per-period per
-- period so a large import does not flood the moderation queues. A match whose bank entry is removed before its case
-- was opened goes with it.
create table retro_match (
    id            bigserial   primary key,
    content_id    text        not null,
    owner_account text        not null,
    bank          text        not null,
    bank_hash_id  bigint      not null references bank_hash (id) on delete cascade,
    distance      integer     not null,
    frame_ms      bigint      not null,
    matched_at    timestamptz not null default now(),
    enqueued_at   timestamptz,
    case_id       text,
    unique (content_id, bank)
);
create index retro_match_pending on retro_match (id) where enqueued_at is null;
create index retro_match_enqueued on retro_match (enqueued_at) where enqueued_at is not null;
