-- The submitter's age band (AgeBand name, docs/teen-protections.md), so a job's later checks (the clip's likeness check)
-- apply the profile the prompt was screened under. Null for jobs submitted before age bands: the standard rules.
alter table generation_job add column age_band text;
