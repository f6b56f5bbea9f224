-- Signed outbound webhooks, driven by the outbox (issue 15).
--
-- One row per endpoint an owner registered. `cursor` is the id of the last event of the tenant the
-- endpoint is done with (delivered, or passed over by its filters): delivery reads `events` after it in
-- id order, so nothing is missed across restarts and instances. An instance claims an endpoint with
-- `select … for update skip locked` and holds that row lock while it delivers, so two instances never
-- deliver to one endpoint at once, and an instance that dies mid-delivery releases it with its connection
-- (the cursor was not advanced: the events are delivered again, with the same ids).
create table webhooks (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  url text not null check (length(url) between 1 and 2000),
  -- null: every type; otherwise catalogued types (checked by the domain, the catalogue lives in code)
  types text[],
  -- null: every site; per-site events (orders) of other sites are passed over (src/realtime/reach.ts)
  locations uuid[],
  -- Shown once, in the create response; kept here in the clear because signing needs it.
  secret text not null,
  status text not null default 'active' check (status in ('active', 'paused', 'disabled')),
  cursor bigint not null default 0,
  -- The head event's consecutive failures, since when, and when it is tried next.
  attempts integer not null default 0,
  failing_since timestamptz,
  next_attempt_at timestamptz not null default now(),
  disabled_at timestamptz,
  disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhooks_tenant on webhooks (tenant_id, seq);
-- The worker's claim: active endpoints that are due.
create index webhooks_due on webhooks (next_attempt_at) where status = 'active';

-- The delivery log: one row per attempt (retries and replays included), newest read first.
create table webhook_deliveries (
  seq bigint generated always as identity primary key,
  webhook_id uuid not null references webhooks on delete cascade,
  tenant_id uuid not null references tenants on delete cascade,
  event_id bigint not null,
  event_type text not null,
  attempt integer not null,
  -- 'replay': one event sent again on an owner's request, outside the cursor.
  kind text not null default 'delivery' check (kind in ('delivery', 'replay')),
  succeeded boolean not null,
  response_code integer,
  latency_ms integer not null,
  error text,
  body_excerpt text,
  created_at timestamptz not null default now()
);
create index webhook_deliveries_by_endpoint on webhook_deliveries (webhook_id, seq desc);
create index webhook_deliveries_created on webhook_deliveries (created_at);
