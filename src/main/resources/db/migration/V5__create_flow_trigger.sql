-- The outbox: one row per "start this campaign's flow for this member". The unique constraint on
-- (campaign_id, profile_key, entry_number) is what guarantees one trigger per campaign and
-- profile; entry_number stays 1 unless the campaign re-triggers on re-entry.
-- payload is the member as it was when the trigger was written (ids, traits, audience key).
create table flow_trigger (
    id              bigint generated always as identity primary key,
    campaign_id     bigint      not null references campaign (id),
    profile_key     text        not null,
    entry_number    integer     not null default 1,
    status          text        not null default 'PENDING',
    payload         jsonb       not null,
    attempt_count   integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    lease_owner     text,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    delivered_at    timestamptz,
    constraint flow_trigger_campaign_id_profile_key_entry_number_key
        unique (campaign_id, profile_key, entry_number),
    constraint flow_trigger_status_check check (status in ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED'))
);

-- "Due pending triggers" is a range scan of this partial index.
create index flow_trigger_next_attempt_at_idx on flow_trigger (next_attempt_at) where status = 'PENDING';
-- Counts per state, the admin list and retry-failed go through the campaign.
create index flow_trigger_campaign_id_status_id_idx on flow_trigger (campaign_id, status, id);
-- Retention purges old finished triggers.
create index flow_trigger_updated_at_idx on flow_trigger (updated_at) where status in ('DELIVERED', 'CANCELLED');
