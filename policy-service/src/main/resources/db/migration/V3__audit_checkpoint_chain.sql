-- Chained checkpoints (issue 16): each checkpoint signs the hash of the one before it. Null marks the legacy
-- checkpoints written before this migration; they keep verifying under their original (v1) statement.
alter table audit_checkpoint add column prev_hash text;
create index audit_checkpoint_last_seq on audit_checkpoint (last_seq);

-- Like the events: nobody rewrites a checkpoint through ordinary grants (the witness catches whoever does anyway).
revoke update, delete, truncate on audit_checkpoint from public;
