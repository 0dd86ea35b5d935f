-- The likeness registry's consent reference ids (comma-separated opaque UUIDs) of every cameo the job used with
-- consent; they go into the C2PA manifest at marking. No names, handles or biometric data.
alter table generation_job add column consent_refs text;
