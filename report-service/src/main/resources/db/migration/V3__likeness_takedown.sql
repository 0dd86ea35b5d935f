-- A cameo owner's takedown request (issue 21) is a report like any other, plus the opaque references moderators need
-- to act on it: the likeness-service use record, its consent reference and the cameo's @handle (no biometric data).
-- The gateway sets them only after likeness-service confirmed the video is a published use of the caller's cameo.
alter table report add column takedown_use_id text;
alter table report add column takedown_consent_ref text;
alter table report add column takedown_handle text;
-- Set on the case when such a report joins it, so queues can list takedown requests without a join per row.
alter table report_case add column likeness_takedown boolean not null default false;
create index report_case_likeness_takedown on report_case (priority desc) where likeness_takedown and state <> 'DECIDED';
