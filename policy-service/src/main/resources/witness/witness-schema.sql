-- The audit witness: a copy of every signed audit checkpoint in a database policy-service cannot rewrite.
-- Applied by its administrator (an owner role policy-service never gets), idempotently: in production once by
-- hand (psql -d safeframe_audit_witness -f witness-schema.sql, see docs/audit-integrity.md), locally by
-- policy-service's WitnessBootstrap (dev and test profiles only, as the local superuser).
create table if not exists witness_checkpoint (
    checkpoint_id   bigint primary key,
    first_seq       bigint      not null,
    last_seq        bigint      not null,
    merkle_root     text        not null,
    key_id          text        not null,
    signature       text        not null,
    -- null for legacy (unchained) checkpoints
    prev_hash       text,
    checkpoint_hash text        not null,
    witnessed_at    timestamptz not null default now()
);

-- Defence in depth behind the grants below: even a role that somehow holds UPDATE/DELETE cannot change a row.
create or replace function witness_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'witness_checkpoint is append-only: % refused', tg_op;
end
$$;
create or replace trigger witness_no_update_delete before update or delete on witness_checkpoint
    for each row execute function witness_refuse_change();
create or replace trigger witness_no_truncate before truncate on witness_checkpoint
    for each statement execute function witness_refuse_change();

-- policy-service's role here: it may add checkpoints and read them, nothing else.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'safeframe_audit_witness_writer') then
        create role safeframe_audit_witness_writer login;
    end if;
end
$$;
revoke all on witness_checkpoint from public;
revoke all on witness_checkpoint from safeframe_audit_witness_writer;
grant select, insert on witness_checkpoint to safeframe_audit_witness_writer;
