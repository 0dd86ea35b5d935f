-- Retention (docs/retention.md): what the scheduled purge removed and when, and legal holds that stop it.
-- purged_at: the job's prompt, its verdict evidence and its clips are gone (the row stays: quota, audit and the
-- owner's history refer to it). legal_hold_*: kept for a legal request until an admin releases it; both are audited.
alter table generation_job
    add column purged_at         timestamptz,
    add column legal_hold_reason text,
    add column legal_hold_by     text,
    add column legal_hold_at     timestamptz;

-- the purge's scan: finished jobs not yet purged, oldest first
create index generation_job_purge on generation_job (updated_at)
    where purged_at is null and state in ('BLOCKED', 'FAILED', 'PUBLISHED');
