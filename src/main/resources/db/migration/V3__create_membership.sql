-- One row per (audience, profile). entry_count counts the times the profile entered; a campaign
-- with retrigger_on_reentry uses it so that each new entry may start one more flow.
create table membership (
    id              bigint generated always as identity primary key,
    audience_key    text        not null,
    profile_key     text        not null,
    user_id         text,
    email           text,
    anonymous_id    text,
    state           text        not null,
    traits          jsonb       not null default '{}'::jsonb,
    entered_at      timestamptz,
    exited_at       timestamptz,
    entry_count     integer     not null default 0,
    last_event_at   timestamptz not null,
    last_message_id text        not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint membership_audience_key_profile_key_key unique (audience_key, profile_key),
    constraint membership_state_check check (state in ('MEMBER', 'EXITED'))
);

-- Keyset pagination of an audience's members, optionally by state.
create index membership_audience_key_state_id_idx on membership (audience_key, state, id);
