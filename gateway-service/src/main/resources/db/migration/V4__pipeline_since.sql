-- When a job (re-)entered the automatic pipeline: set when a moderator's answer releases it from HELD_FOR_REVIEW,
-- null until then (the job's created_at). The age of the oldest job in flight is measured from it, so a job that
-- waited hours for a person does not read as hours stuck in the pipeline (that wait is report-service's queue age).
alter table generation_job add column pipeline_since timestamptz;
