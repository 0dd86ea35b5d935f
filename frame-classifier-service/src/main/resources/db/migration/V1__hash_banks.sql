-- Named banks of known-bad PDQ hashes (as in ThreatExchange / Hasher-Matcher-Actioner) and their contents.
create table hash_bank (
    name        text primary key check (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    category    text not null,
    decision    text not null check (decision in ('BLOCK', 'REVIEW')),
    -- Hamming distance at or below which a frame matches; 31 is the PDQ authors' recommendation
    threshold   integer not null check (threshold between 0 and 47),
    description text not null default '',
    created_at  timestamptz not null default now()
);

create table bank_hash (
    id       bigserial primary key,
    bank     text not null references hash_bank on delete cascade,
    hash     text not null check (hash ~ '^[0-9a-f]{64}$'),
    quality  integer,
    label    text not null default '',
    added_by text not null,
    added_at timestamptz not null default now(),
    unique (bank, hash)
);

-- Every change bumps the generation; each replica rebuilds its in-memory index when it sees a new one.
create table bank_generation (id integer primary key check (id = 1), generation bigint not null);
insert into bank_generation values (1, 0);

create function bump_bank_generation() returns trigger language plpgsql as $$
begin
    update bank_generation set generation = generation + 1 where id = 1;
    return null;
end $$;

create trigger bank_hash_changed after insert or update or delete on bank_hash for each statement execute function bump_bank_generation();
create trigger hash_bank_changed after insert or update or delete on hash_bank for each statement execute function bump_bank_generation();
