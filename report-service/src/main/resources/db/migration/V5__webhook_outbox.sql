-- Numbered 5: V3 and V4 are taken by branches merged alongside (likeness takedowns, content trends).
-- Webhooks to the platform (docs/webhooks.md): one row per event, written in the transaction of the decision,
-- takedown, sanction or appeal outcome it reports, so an event exists exactly when its cause committed. The delivery
-- worker sends the stored body as it is (the signature covers those bytes), retries with exponential back-off and
-- dead-letters an event after the configured number of attempts; an admin replay puts it back to PENDING.
create table webhook_event (
    event_id        uuid primary key,
    event_type      text not null,
    payload         text not null,
    state           text not null default 'PENDING' check (state in ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer not null default 0,
    replays         integer not null default 0,
    created_at      timestamptz not null default now(),
    next_attempt_at timestamptz not null default now(),
    delivered_at    timestamptz,
    last_error      text
);
create index webhook_event_due on webhook_event (next_attempt_at) where state = 'PENDING';
create index webhook_event_state on webhook_event (state, created_at);
