-- Every Segment messageId that was applied, so that a redelivery changes nothing.
create table processed_message (
    message_id  text        primary key,
    received_at timestamptz not null default now()
);

create index processed_message_received_at_idx on processed_message (received_at);
