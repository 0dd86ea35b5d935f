-- Idempotent Mark: a caller's request id (e.g. the generation job) maps to one asset and one payload, so a retry
-- after a lost answer does not register a second asset.
alter table asset add column request_id text;
create unique index asset_by_request on asset (request_id) where request_id is not null;
