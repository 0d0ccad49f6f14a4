-- The dispatcher claims, per active campaign, its due pending triggers "order by next_attempt_at, id
-- limit n". With this index each campaign's candidates are one short index range, and a paused
-- campaign's backlog is never read; the index on next_attempt_at alone made PostgreSQL scan and
-- sort every pending trigger for each claim (about 100 ms with 100,000 pending).
drop index flow_trigger_next_attempt_at_idx;
create index flow_trigger_campaign_id_next_attempt_at_id_idx
    on flow_trigger (campaign_id, next_attempt_at, id) where status = 'PENDING';

-- A claim only sets lease columns, which no index covers: leave room in each page so such updates
-- stay on the page (HOT) instead of adding index entries the next claim has to skip.
alter table flow_trigger set (fillfactor = 80);
