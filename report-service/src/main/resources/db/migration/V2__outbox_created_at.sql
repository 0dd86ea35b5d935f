-- When an outbox entry was written, so the age of the oldest undelivered one can be watched (outbox lag:
-- a sanction not yet in force). next_attempt_at cannot serve: every failed delivery moves it forward.
-- Entries already pending get the migration's time, which understates their age once and never overstates it.
alter table outbox add column created_at timestamptz not null default now();
