-- Every POST to Pendula, successful or not.
create table delivery_attempt (
    id           bigint generated always as identity primary key,
    trigger_id   bigint      not null references flow_trigger (id) on delete cascade,
    attempted_at timestamptz not null,
    status_code  integer,
    duration_ms  integer     not null,
    error        text
);

create index delivery_attempt_trigger_id_idx on delivery_attempt (trigger_id);
