-- The generation pipeline after screening (issue 9): jobs are advanced by whichever gateway instance holds
-- their lease; a crashed instance's lease runs out and another (or the restarted one) resumes the job.
alter table generation_job
    add column next_attempt_at timestamptz not null default now(),
    add column attempts        int         not null default 0,
    add column lease_owner     text,
    add column lease_until     timestamptz,
    -- which half of the flow a hold paused: PROMPT (before generation) or VIDEO (after classification)
    add column review_stage    text,
    -- the content-status decision seen when the hold began; a different one is the moderator's answer
    add column review_baseline text,
    add column watermark_payload text,
    add column manifest_sha256 text,
    add column published_at    timestamptz;

create index generation_job_due on generation_job (next_attempt_at)
    where state in ('SCREENING', 'GENERATING', 'CLASSIFYING', 'MARKING', 'HELD_FOR_REVIEW');

-- Clips between steps and the published (marked) clip. In PostgreSQL so a job and its media commit together and
-- survive a restart; a production deployment with many clips would put them in object storage instead.
create table job_video (
    job_id     uuid        not null references generation_job (job_id) on delete cascade,
    kind       text        not null check (kind in ('GENERATED', 'MARKED')),
    media      bytea       not null,
    sha256     text        not null,
    model      text,
    created_at timestamptz not null default now(),
    primary key (job_id, kind)
);
