-- Versioned safety policies (issue 24, docs/policy-lifecycle.md). One store for every kind of rule document: "prompt"
-- (prompt-guard's lexicon policy) today; classifier policy, tiers and bank thresholds are further kinds.
create table policy_version (
    kind text not null,
    version int not null,
    state text not null check (state in ('DRAFT', 'APPROVED', 'SHADOW', 'CANARY', 'LIVE', 'RETIRED')),
    document jsonb not null,
    -- the document's own version label, e.g. "2026-05-01" (what verdicts name as policy_version)
    label text not null,
    author text not null,
    reason text not null,
    approved_by text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- when this version last became live: the rollback target is the retired version live most recently before it
    live_since timestamptz,
    -- made live by an emergency rollback and not yet looked at by a reviewer afterwards
    rollback_needs_review boolean not null default false,
    -- retired by an emergency rollback: never the target of a later rollback
    rolled_back boolean not null default false,
    primary key (kind, version),
    -- separation of duties in the schema too: nobody approves their own version
    check (approved_by is null or approved_by <> author)
);

-- at most one live, one shadow and one canary version per kind
create unique index policy_version_one_live on policy_version (kind) where state = 'LIVE';
create unique index policy_version_one_shadow on policy_version (kind) where state = 'SHADOW';
create unique index policy_version_one_canary on policy_version (kind) where state = 'CANARY';

-- every move of every version, as the lifecycle's own history (the audit chain has the same, signed)
create table policy_transition (
    id bigserial primary key,
    kind text not null,
    version int not null,
    from_state text,
    to_state text not null,
    actor text not null,
    reason text not null,
    emergency boolean not null default false,
    at timestamptz not null default now(),
    foreign key (kind, version) references policy_version (kind, version)
);
create index policy_transition_version on policy_transition (kind, version, id);
