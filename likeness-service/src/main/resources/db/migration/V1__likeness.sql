-- The likeness registry. Biometric data lives only in likeness_descriptor, sealed with the person's data key; the
-- data key lives only in likeness.wrapped_key, wrapped by the service master key. Deleting the likeness row deletes
-- both (crypto-shredding: a copy of the sealed rows in a backup cannot be opened without the wrapped key).
create table likeness (
    id              uuid primary key,
    -- 'cameo': a user's own, under a handle; 'protected': a public figure in the admins' bank, owned by nobody
    kind            text not null check (kind in ('cameo', 'protected')),
    owner_account   text,
    handle          text unique,
    display_name    text,
    audience        text not null default 'ONLY_ME' check (audience in ('ONLY_ME', 'LISTED_ACCOUNTS', 'EVERYONE')),
    master_key_id   text not null,
    wrapped_key     bytea not null,
    enrolled_at     timestamptz not null default now(),
    check ((kind = 'cameo') = (owner_account is not null and handle is not null))
);
-- one cameo per account
create unique index likeness_one_cameo_per_owner on likeness (owner_account) where kind = 'cameo';

create table likeness_descriptor (
    likeness_id     uuid not null references likeness (id) on delete cascade,
    ordinal         int not null,
    sealed          bytea not null,
    primary key (likeness_id, ordinal)
);

create table likeness_grant (
    likeness_id     uuid not null references likeness (id) on delete cascade,
    account         text not null,
    granted_at      timestamptz not null default now(),
    primary key (likeness_id, account)
);

-- Every generation that used a cameo. Kept after unenrolment for the record (no biometric data in it): the owner
-- column keeps whose it was, likeness_id is nulled.
create table likeness_use (
    id              uuid primary key,
    likeness_id     uuid references likeness (id) on delete set null,
    owner_account   text not null,
    handle          text not null,
    job_id          text not null,
    requester       text not null,
    used_at         timestamptz not null default now(),
    -- the job's state as the gateway last reported it (CHECKED until then)
    state           text not null default 'CHECKED',
    owner_review    boolean not null default false,
    takedown_requested_at timestamptz,
    unique (likeness_id, job_id)
);
create index likeness_use_owner on likeness_use (owner_account, used_at desc);
create index likeness_use_job on likeness_use (job_id);
