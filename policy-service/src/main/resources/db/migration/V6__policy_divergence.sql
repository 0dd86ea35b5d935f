-- Shadow mode (issue 24 item 2, docs/policy-lifecycle.md): screenings where the candidate in shadow decided otherwise
-- than the live version. The evidence is what each version's rules matched; the prompt only as its keyed hash.
create table policy_divergence (
    id bigserial primary key,
    kind text not null,
    candidate_version int not null,
    live_version int not null,
    category text not null,
    live_decision text not null,
    candidate_decision text not null,
    live_rule text not null,
    candidate_rule text not null,
    live_evidence jsonb not null,
    candidate_evidence jsonb not null,
    prompt_hmac text,
    correlation_id text,
    at timestamptz not null,
    foreign key (kind, candidate_version) references policy_version (kind, version)
);
create index policy_divergence_report on policy_divergence (kind, candidate_version, category, live_decision, candidate_decision, id);
