-- A campaign links one audience key to one destination. ENDED is final.
create table campaign (
    id                     bigint generated always as identity primary key,
    name                   text        not null,
    audience_key           text        not null,
    destination_id         bigint      not null references destination (id),
    kind                   text        not null,
    status                 text        not null default 'ACTIVE',
    ends_at                timestamptz,
    retrigger_on_reentry   boolean     not null default false,
    include_existing       boolean     not null default false,
    paused_reason          text,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    ended_at               timestamptz,
    constraint campaign_name_key unique (name),
    constraint campaign_kind_check check (kind in ('PERSISTENT', 'ONE_TIME')),
    constraint campaign_status_check check (status in ('ACTIVE', 'PAUSED', 'ENDED')),
    constraint campaign_ends_at_only_one_time_check check (ends_at is null or kind = 'ONE_TIME'),
    constraint campaign_ended_at_check check ((status = 'ENDED') = (ended_at is not null))
);

-- Ingest looks up the live campaigns of an audience on every enter.
create index campaign_audience_key_idx on campaign (audience_key) where status <> 'ENDED';
create index campaign_destination_id_idx on campaign (destination_id);
-- The scheduler looks for one-time campaigns whose end has come.
create index campaign_ends_at_idx on campaign (ends_at) where status <> 'ENDED' and ends_at is not null;
