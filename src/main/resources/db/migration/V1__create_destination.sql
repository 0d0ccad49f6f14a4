-- A destination is one Pendula flow trigger. The token is stored encrypted (AES-GCM); only its
-- last four characters are kept in clear so answers can show which token is configured.
create table destination (
    id                    bigint generated always as identity primary key,
    name                  text        not null,
    flow_url              text        not null,
    auth_scheme           text        not null,
    tenant_id             text,
    token_ciphertext      bytea       not null,
    token_last_four       text        not null,
    custom_context        text,
    rate_limit_per_second integer     not null default 200,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    constraint destination_name_key unique (name),
    constraint destination_auth_scheme_check check (auth_scheme in ('BEARER', 'BASIC')),
    constraint destination_basic_needs_tenant_check check (auth_scheme <> 'BASIC' or tenant_id is not null),
    constraint destination_rate_limit_per_second_check check (rate_limit_per_second > 0)
);
