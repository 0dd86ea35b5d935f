-- What was measured about a policy version (issue 24 item 4, "results stored with the version"): backtests on a
-- labelled set or on recent screenings, a canary's arms as people judged them, the stop rule's finding, a retroactive
-- run of the version over published videos. Written with
-- its audit event in one transaction; never changed afterwards.
create table policy_evaluation (
    id          bigserial primary key,
    kind        text        not null,
    version     integer     not null,
    evaluation  text        not null check (evaluation in ('backtest', 'backtest-recent', 'canary-outcomes', 'canary-stopped', 'retroactive')),
    headline    text        not null,
    summary     jsonb       not null,
    recorded_by text        not null,
    recorded_at timestamptz not null default now(),
    foreign key (kind, version) references policy_version (kind, version)
);
create index policy_evaluation_version on policy_evaluation (kind, version, id);
