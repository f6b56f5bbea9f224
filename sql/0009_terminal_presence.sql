-- Terminal presence (issue 11, item 6): which API keys hold open event streams, on which instance.
--
-- Each app instance writes its own rows, one per key with open streams there, in one batched
-- statement every PRESENCE_INTERVAL_MS and at once when a key's first stream opens or its last
-- closes (src/realtime/presence.ts); never per event. A row counts as connected until `expires_at`,
-- which its writer sets to 3 × its own interval ahead, so a crashed instance's terminals go grey by
-- themselves and readers need not share the writer's settings. The maintenance loop prunes expired
-- rows; a graceful shutdown deletes its own.
--
-- UNLOGGED: presence is rebuilt within one interval by the instances themselves, so it is not worth
-- WAL (or a standby's copy). After a Postgres crash the table starts empty, which is the truth: every
-- stream was cut with the connection, and live instances write their rows again on their next beat.
create unlogged table terminal_presence (
  instance_id uuid not null,
  api_key_id uuid not null references api_keys on delete cascade,
  streams integer not null check (streams > 0),
  -- When the first of this key's streams open on this instance opened.
  connected_at timestamptz not null,
  -- The event id this key's streams on this instance are caught up to (the one furthest behind);
  -- null while none has fixed its starting point.
  last_event_id_sent bigint,
  heartbeat_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (instance_id, api_key_id)
);
create index terminal_presence_key on terminal_presence (api_key_id);
create index terminal_presence_expires on terminal_presence (expires_at);

-- The keys the Terminals list shows: every key not revoked, with its location. The one place that
-- says where a key's location comes from: when api_keys gains location_id (and a locations table),
-- replace the two null columns here (k.location_id, l.name via a left join on locations).
create view terminal_keys as
  select k.id, k.tenant_id, k.name, k.created_at, k.last_used_at,
    k.location_id, l.name as location_name
  from api_keys k left join locations l on l.id = k.location_id
  where k.revoked_at is null;
