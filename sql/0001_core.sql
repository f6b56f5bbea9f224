-- tillstream core: tenants, keys, customers, the points ledger, the event outbox, idempotency.
-- Money and points are guarded here, next to the data: the TypeScript calls these functions by name.
--
-- Domain errors use SQLSTATE 'TS' || http status (TS400, TS404, TS409, TS422); MESSAGE is the
-- stable snake_case code, DETAIL the human sentence, HINT an optional JSON object of extra fields.
-- The app turns every such error into one problem+json response without knowing the function.

create extension if not exists pg_trgm;

create function iso(ts timestamptz) returns text language sql immutable as $$
  select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

create function raise_domain(status int, code text, detail text, extra jsonb default null)
returns void language plpgsql as $$
begin
  raise exception using errcode = 'TS' || status::text, message = code, detail = detail,
    hint = coalesce(extra, '{}'::jsonb)::text;
end $$;

-- Tenants ----------------------------------------------------------------------------------------

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 200),
  currency text not null default 'GBP' check (currency ~ '^[A-Z]{3}$'),
  default_country text not null default 'GB' check (default_country ~ '^[A-Z]{2}$'),
  -- Earn rule: points per whole currency unit (100 minor units) of an order, from a minimum total.
  earn_points_per_unit numeric(10, 4) not null default 1 check (earn_points_per_unit >= 0),
  earn_min_order_cents integer not null default 0 check (earn_min_order_cents >= 0),
  -- What one point is worth at checkout, in minor units.
  point_value_cents integer not null default 1 check (point_value_cents between 1 and 100000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The per-tenant event counter lives in its own narrow row: every state change increments it, and
-- the row lock it takes is held to commit, so ids are handed out in commit order with no gaps.
create table tenant_counters (
  tenant_id uuid primary key references tenants on delete cascade,
  event_seq bigint not null default 0,
  -- Events with id <= this were pruned; resuming from before it gets `reset`.
  events_pruned_through bigint not null default 0
);

create function tenant_counters_init() returns trigger language plpgsql as $$
begin
  insert into tenant_counters (tenant_id) values (new.id);
  return new;
end $$;
create trigger tenants_counters after insert on tenants for each row execute function tenant_counters_init();

create function tenant_settings_json(t tenants) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'slug', t.slug, 'name', t.name, 'currency', t.currency, 'defaultCountry', t.default_country,
    'earnPointsPerUnit', t.earn_points_per_unit::float8, 'earnMinOrderCents', t.earn_min_order_cents,
    'pointValueCents', t.point_value_cents, 'updatedAt', iso(t.updated_at))
$$;

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants on delete cascade,
  name text not null default 'default',
  prefix text not null,
  key_hash text not null unique,          -- sha256 hex of the whole key; the key itself is never stored
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_tenant on api_keys (tenant_id);

create table admins (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants on delete cascade,
  email text not null,
  password_hash text not null,
  role text not null default 'owner' check (role in ('owner', 'staff')),
  created_at timestamptz not null default now(),
  unique (tenant_id, email)
);

-- The outbox ---------------------------------------------------------------------------------------

create table events (
  tenant_id uuid not null references tenants on delete cascade,
  id bigint not null,
  type text not null,
  data jsonb not null,
  actor text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index events_created on events (created_at);

-- Append one event in the caller's transaction and wake listeners once per transaction and tenant.
-- The counter update locks the tenant's counter row until commit: a second writer waits here, so a
-- reader asking for "id > N" can never see N+1 before N. Call it last, after the other locks.
create function emit_event(p_tenant uuid, p_type text, p_data jsonb, p_actor text default null)
returns bigint language plpgsql as $$
declare
  v_id bigint;
  v_notified text := coalesce(current_setting('tillstream.notified', true), '');
begin
  update tenant_counters set event_seq = event_seq + 1 where tenant_id = p_tenant returning event_seq into v_id;
  insert into events (tenant_id, id, type, data, actor) values (p_tenant, v_id, p_type, p_data, p_actor);
  -- One small NOTIFY per transaction and tenant, a pointer only; listeners read the rows.
  if position(p_tenant::text in v_notified) = 0 then
    perform pg_notify('events', p_tenant::text || ':' || v_id);
    perform set_config('tillstream.notified', v_notified || p_tenant::text || ',', true);
  end if;
  return v_id;
end $$;

-- Customers and the ledger ------------------------------------------------------------------------

create table customers (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  name text check (length(name) <= 200),
  email text check (length(email) <= 254),
  points_balance integer not null default 0 check (points_balance >= 0),
  total_points_earned integer not null default 0,
  total_points_redeemed integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search_text text generated always as (lower(coalesce(name, '') || ' ' || phone || ' ' || coalesce(email, ''))) stored,
  unique (tenant_id, phone)
);
create index customers_tenant_seq on customers (tenant_id, seq desc);
create index customers_search on customers using gin (search_text gin_trgm_ops);

create function customer_json(c customers) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', c.id, 'phone', c.phone, 'name', c.name, 'email', c.email,
    'pointsBalance', c.points_balance, 'totalPointsEarned', c.total_points_earned,
    'totalPointsRedeemed', c.total_points_redeemed, 'createdAt', iso(c.created_at), 'updatedAt', iso(c.updated_at))
$$;

create table ledger (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  type text not null check (type in ('earn', 'add', 'redeem', 'adjust', 'reversal')),
  points integer not null check (points <> 0),
  balance_before integer not null check (balance_before >= 0),
  balance_after integer not null check (balance_after >= 0),
  reason text check (length(reason) <= 500),
  order_id text check (length(order_id) <= 100),
  actor text,
  created_at timestamptz not null default now(),
  check (balance_after = balance_before + points)
);
create index ledger_customer_seq on ledger (customer_id, seq desc);
create index ledger_order on ledger (tenant_id, order_id) where order_id is not null;

-- I3: history is never rewritten, by any role; corrections are new rows.
create function ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'ledger rows are append-only: write a correcting row instead' using errcode = '42501';
end $$;
create trigger ledger_no_update before update or delete on ledger for each row execute function ledger_append_only();
create trigger ledger_no_truncate before truncate on ledger for each statement execute function ledger_append_only();

create function ledger_json(l ledger) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', l.id, 'customerId', l.customer_id, 'type', l.type, 'points', l.points,
    'balanceBefore', l.balance_before, 'balanceAfter', l.balance_after, 'reason', l.reason,
    'orderId', l.order_id, 'createdAt', iso(l.created_at))
$$;

-- Customers whose balance differs from their ledger sum (I1). Must always be empty.
create view points_discrepancies as
  select c.tenant_id, c.id as customer_id, c.points_balance, coalesce(sum(l.points), 0)::int as ledger_sum
  from customers c left join ledger l on l.customer_id = c.id
  group by c.id
  having c.points_balance <> coalesce(sum(l.points), 0);

create table reconciliation_queue (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  customer_id uuid references customers on delete cascade,
  order_id text,
  kind text not null,
  points integer not null default 0,
  amount_cents integer not null default 0,
  detail text not null,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by text,
  resolution_note text
);
create index reconciliation_open on reconciliation_queue (tenant_id, seq desc) where resolved_at is null;

create function customer_enrol(p_tenant uuid, p_phone text, p_name text, p_email text, p_actor text)
returns jsonb language plpgsql as $$
declare c customers;
begin
  insert into customers (tenant_id, phone, name, email) values (p_tenant, p_phone, p_name, p_email)
  on conflict (tenant_id, phone) do nothing returning * into c;
  if c.id is null then
    select * into c from customers where tenant_id = p_tenant and phone = p_phone;
    perform raise_domain(409, 'customer_exists', 'A customer with phone ' || p_phone || ' is already enrolled.',
      jsonb_build_object('customerId', c.id));
  end if;
  perform emit_event(p_tenant, 'customer_created', jsonb_build_object('customer', customer_json(c)), p_actor);
  return customer_json(c);
end $$;

-- The one place points move. Locks the customer row (FOR UPDATE), checks the balance under the lock,
-- writes ledger row, balance and event in the caller's transaction: all commit together or none do.
create function apply_points(p_tenant uuid, p_customer uuid, p_type text, p_points integer,
                             p_reason text, p_order text, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  l ledger;
begin
  select * into c from customers where id = p_customer and tenant_id = p_tenant for update;
  if c.id is null then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  if p_points = 0 then
    perform raise_domain(400, 'validation_failed', 'points must not be zero.');
  end if;
  if c.points_balance + p_points < 0 then
    perform raise_domain(409, 'insufficient_points',
      format('Insufficient loyalty points. Available: %s, Requested: %s', c.points_balance, -p_points),
      jsonb_build_object('available', c.points_balance, 'requested', -p_points));
  end if;

  insert into ledger (tenant_id, customer_id, type, points, balance_before, balance_after, reason, order_id, actor)
  values (p_tenant, c.id, p_type, p_points, c.points_balance, c.points_balance + p_points, p_reason, p_order, p_actor)
  returning * into l;

  update customers set
    points_balance = l.balance_after,
    total_points_earned = total_points_earned + case
      when p_type in ('earn', 'add') then p_points
      when p_type = 'reversal' and p_points < 0 then p_points else 0 end,
    total_points_redeemed = total_points_redeemed + case
      when p_type = 'redeem' then -p_points
      when p_type = 'reversal' and p_points > 0 then -p_points else 0 end,
    updated_at = now()
  where id = c.id returning * into c;

  perform emit_event(p_tenant, 'loyalty_updated', jsonb_build_object(
    'customerId', c.id, 'customerPhone', c.phone, 'customerName', c.name,
    'pointsChange', l.points, 'newBalance', c.points_balance,
    'totalPointsEarned', c.total_points_earned, 'totalPointsRedeemed', c.total_points_redeemed,
    'transactionType', l.type, 'reason', l.reason, 'orderId', l.order_id, 'transactionId', l.id), p_actor);

  return jsonb_build_object('transaction', ledger_json(l), 'customer', customer_json(c));
end $$;

create function points_add(p_tenant uuid, p_customer uuid, p_points integer, p_reason text, p_order text, p_actor text)
returns jsonb language plpgsql as $$
begin
  if p_points <= 0 then perform raise_domain(400, 'validation_failed', 'points must be a positive integer.'); end if;
  return apply_points(p_tenant, p_customer, 'add', p_points, p_reason, p_order, p_actor);
end $$;

create function points_redeem(p_tenant uuid, p_customer uuid, p_points integer, p_reason text, p_order text, p_actor text)
returns jsonb language plpgsql as $$
begin
  if p_points <= 0 then perform raise_domain(400, 'validation_failed', 'points must be a positive integer.'); end if;
  return apply_points(p_tenant, p_customer, 'redeem', -p_points, p_reason, p_order, p_actor);
end $$;

create function points_adjust(p_tenant uuid, p_customer uuid, p_points integer, p_reason text, p_actor text)
returns jsonb language plpgsql as $$
begin
  if coalesce(btrim(p_reason), '') = '' then
    perform raise_domain(400, 'validation_failed', 'An adjustment needs a reason.');
  end if;
  return apply_points(p_tenant, p_customer, 'adjust', p_points, p_reason, null, p_actor);
end $$;

-- Points an order total earns under the tenant's rule (server-side: clients never say how many).
create function earn_points_for(p_tenant uuid, p_total_cents integer) returns integer language sql stable as $$
  select case when p_total_cents < t.earn_min_order_cents then 0
              else floor(p_total_cents * t.earn_points_per_unit / 100)::int end
  from tenants t where t.id = p_tenant
$$;

-- Earn from an order total; enrols an unknown phone first.
create function loyalty_earn(p_tenant uuid, p_phone text, p_total_cents integer, p_order text, p_name text, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  v_points integer;
  v_enrolled boolean := false;
  v_result jsonb;
begin
  insert into customers (tenant_id, phone, name) values (p_tenant, p_phone, p_name)
  on conflict (tenant_id, phone) do nothing returning * into c;
  if c.id is not null then
    v_enrolled := true;
    perform emit_event(p_tenant, 'customer_created', jsonb_build_object('customer', customer_json(c)), p_actor);
  else
    select * into c from customers where tenant_id = p_tenant and phone = p_phone;
  end if;
  v_points := earn_points_for(p_tenant, p_total_cents);
  if v_points > 0 then
    v_result := apply_points(p_tenant, c.id, 'earn', v_points, 'Earned on order total', p_order, p_actor);
  else
    v_result := jsonb_build_object('transaction', null, 'customer', customer_json(c));
  end if;
  return v_result || jsonb_build_object('pointsEarned', v_points, 'enrolled', v_enrolled);
end $$;

create function settings_update(p_tenant uuid, p_patch jsonb, p_actor text) returns jsonb language plpgsql as $$
declare t tenants;
begin
  update tenants set
    name = coalesce(p_patch->>'name', name),
    currency = coalesce(p_patch->>'currency', currency),
    default_country = coalesce(p_patch->>'defaultCountry', default_country),
    earn_points_per_unit = coalesce((p_patch->>'earnPointsPerUnit')::numeric, earn_points_per_unit),
    earn_min_order_cents = coalesce((p_patch->>'earnMinOrderCents')::int, earn_min_order_cents),
    point_value_cents = coalesce((p_patch->>'pointValueCents')::int, point_value_cents),
    updated_at = now()
  where id = p_tenant returning * into t;
  perform emit_event(p_tenant, 'settings_updated', tenant_settings_json(t), p_actor);
  return tenant_settings_json(t);
end $$;

-- Idempotency ---------------------------------------------------------------------------------------

create table idempotency_keys (
  tenant_id uuid not null references tenants on delete cascade,
  key text not null,
  request_hash text not null,
  response_status integer not null,
  response_body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, key)
);
create index idempotency_created on idempotency_keys (created_at);
