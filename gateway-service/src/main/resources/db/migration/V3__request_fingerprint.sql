-- A replayed Idempotency-Key returns the original job only for the same request (SHA-256 of prompt + parameters).
alter table generation_job add column request_fingerprint text;
