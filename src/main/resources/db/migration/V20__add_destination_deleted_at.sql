-- A deleted destination stays as a row because ended campaigns still refer to it; it is hidden from
-- the admin API and its name may be used again, so uniqueness only holds among live destinations.
alter table destination add column deleted_at timestamptz;

alter table destination drop constraint destination_name_key;
create unique index destination_name_idx on destination (name) where deleted_at is null;
