-- Erasure (GDPR Art. 17) without breaking the audit chain: events sealed from now on hash salted commitments to
-- their actor and account instead of the names (io.safeframe.policy.audit.Subjects). Erasing an account stores the
-- commitment, then removes the name and its salt. Events sealed before this migration keep hashing the clear names.
alter table audit_event add column actor_salt text;
alter table audit_event add column actor_commit text;
alter table audit_event add column account_salt text;
alter table audit_event add column account_commit text;
-- an erased actor is null, its commitment stays
alter table audit_event alter column actor drop not null;
create index audit_event_actor on audit_event (actor);
