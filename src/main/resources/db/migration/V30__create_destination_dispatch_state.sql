-- What every dispatcher instance must agree on per destination, kept in PostgreSQL so that it holds
-- across instances. next_slot_at is the earliest moment the next request to the destination may
-- start (requests are spaced evenly to stay under its rate limit); auth_failures counts the 401/403
-- answers in a row, which pause the destination's campaigns once they reach the configured number.
create table destination_dispatch_state (
    destination_id bigint      primary key references destination (id) on delete cascade,
    next_slot_at   timestamptz not null default now(),
    auth_failures  integer     not null default 0
);
