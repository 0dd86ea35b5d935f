-- Platform-wide trends (docs/trends.md): what was screened, as a 64-bit near-duplicate signature only (never the
-- text), by whom and with which flagged category; kept a day (TrendSettings.retention), then purged.
create table content_observation (
    observation_id bigint generated always as identity primary key,
    kind text not null,
    signature bigint not null,
    -- the signature's four byte pairs (index << 16 | value): near-identical signatures (5 of 8 bytes equal) share
    -- at least one pair exactly (pigeonhole), so candidates come from an index, not a scan (trends/Signatures)
    bands int[] not null,
    account_id text not null,
    category text,
    flagged boolean not null,
    observed_at timestamptz not null default now()
);
create index content_observation_bands on content_observation using gin (bands);
create index content_observation_time on content_observation (observed_at);

-- when trend detection first saw an account: "new accounts" are the ones first seen recently
create table account_first_seen (
    account_id text primary key,
    first_seen timestamptz not null default now()
);

-- one row per detected campaign; later members of the same cluster join it instead of opening another case
create table campaign (
    campaign_id uuid primary key,
    kind text not null,
    signature bigint not null,
    bands int[] not null,
    case_id uuid not null,
    opened_at timestamptz not null default now(),
    last_seen timestamptz not null default now()
);
create index campaign_bands on campaign using gin (bands);

-- per category: flagged prompts per minute, their EWMA mean and variance and the CUSUM statistic (TrendSpikes)
create table category_trend (
    category text primary key,
    minutes int not null default 0,
    mean double precision not null default 0,
    variance double precision not null default 0,
    cusum double precision not null default 0,
    last_minute timestamptz not null
);

-- a CAMPAIGN case is about the campaign (its id), not about one piece of content or one account
alter table report_case drop constraint report_case_target_kind_check;
alter table report_case add constraint report_case_target_kind_check check (target_kind in ('CONTENT', 'ACCOUNT', 'PROMPT', 'CAMPAIGN'));
