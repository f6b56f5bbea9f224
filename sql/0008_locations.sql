-- Restaurant groups: a tenant is a group of locations (sites). Points and gift cards stay group-wide;
-- every write records where it happened.
--
-- How a write learns its location: the domain resolves it (a key bound to a site, a tenant-wide key's
-- `locationId`, the admin's pick in the page header) and sets `tillstream.location` for the
-- transaction (set_config(..., true)); each table that records where something happened defaults its
-- location_id to current_location(). So every SQL function that writes a ledger row, an order, a
-- status change, gift card activity or an event records the location without taking it as a parameter,
-- and a write made without a location (a tenant with no locations, as before) records null.
-- Rows from before this migration keep location null, and stay valid: every invariant ignores location.

create table locations (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  name text not null check (length(name) between 1 and 100),
  code text not null check (code ~ '^[A-Z0-9]{2,12}$'),
  time_zone text not null check (length(time_zone) between 1 and 64),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, code),
  -- lets other tables reference (tenant_id, id), so a row can only name a location of its own tenant
  unique (tenant_id, id)
);

create function location_json(l locations) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', l.id, 'name', l.name, 'code', l.code, 'timeZone', l.time_zone, 'archived', l.archived_at is not null,
    'archivedAt', iso(l.archived_at), 'createdAt', iso(l.created_at), 'updatedAt', iso(l.updated_at))
$$;

-- The transaction's location, or null.
create function current_location() returns uuid language sql stable as $$
  select nullif(current_setting('tillstream.location', true), '')::uuid
$$;

-- A till's key is bound to its site; a staff admin may be limited to one site; every admin has the
-- site picked in the page header (recorded on their writes, and the dashboard's "today").
alter table api_keys add column location_id uuid;
alter table api_keys add foreign key (tenant_id, location_id) references locations (tenant_id, id);
alter table admins add column location_id uuid;
alter table admins add foreign key (tenant_id, location_id) references locations (tenant_id, id);
alter table admins add column chosen_location_id uuid;
alter table admins add foreign key (tenant_id, chosen_location_id) references locations (tenant_id, id);

-- Where each write happened. A stable default is evaluated once for the existing rows (null) and per
-- insert afterwards: no table is rewritten.
alter table ledger add column location_id uuid default current_location();
alter table orders add column location_id uuid default current_location();
alter table order_status_history add column location_id uuid default current_location();
alter table gift_card_activity add column location_id uuid default current_location();
alter table events add column location_id uuid default current_location();
alter table ledger add foreign key (tenant_id, location_id) references locations (tenant_id, id);
alter table orders add foreign key (tenant_id, location_id) references locations (tenant_id, id);
alter table gift_card_activity add foreign key (tenant_id, location_id) references locations (tenant_id, id);
alter table events add foreign key (tenant_id, location_id) references locations (tenant_id, id);
create index orders_location on orders (tenant_id, location_id, created_at) where location_id is not null;

-- The API's shapes show where a row happened.
create or replace function ledger_json(l ledger) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', l.id, 'customerId', l.customer_id, 'type', l.type, 'points', l.points,
    'balanceBefore', l.balance_before, 'balanceAfter', l.balance_after, 'reason', l.reason,
    'orderId', l.order_id, 'locationId', l.location_id, 'createdAt', iso(l.created_at))
$$;

create or replace function gift_card_activity_json(a gift_card_activity) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', a.id, 'giftCardId', a.gift_card_id, 'type', a.type, 'amountCents', a.amount_cents,
    'balanceBefore', a.balance_before, 'balanceAfter', a.balance_after, 'orderId', a.order_id,
    'reason', a.reason, 'locationId', a.location_id, 'createdAt', iso(a.created_at))
$$;

create or replace function order_json(o orders) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', o.id, 'orderNumber', o.order_number, 'source', o.source, 'orderType', o.order_type,
    'status', o.status, 'customerId', o.customer_id, 'customerName', o.customer_name,
    'customerPhone', o.customer_phone, 'items', o.items, 'subtotalCents', o.subtotal_cents,
    'pointsDiscountCents', o.points_discount_cents, 'giftCardCents', o.gift_card_cents,
    'totalCents', o.total_cents, 'pointsRedeemed', o.points_redeemed, 'pointsEarned', o.points_earned,
    'specialInstructions', o.special_instructions, 'locationId', o.location_id,
    'createdAt', iso(o.created_at), 'updatedAt', iso(o.updated_at))
$$;

-- gift_card_void builds an unsaved activity row positionally for its event; it gains the new column.
create or replace function gift_card_void(p_tenant uuid, p_code text, p_reason text, p_actor text)
returns jsonb language plpgsql as $$
declare
  g gift_cards;
  a gift_card_activity;
begin
  g := gift_card_lock(p_tenant, p_code);
  if g.status = 'void' then
    perform raise_domain(409, 'gift_card_void', 'This gift card is already void.');
  end if;
  update gift_cards set status = 'void', updated_at = now() where id = g.id;
  if g.balance_cents > 0 then
    a := gift_card_apply(g.id, 'void', -g.balance_cents, null, coalesce(p_reason, 'Voided'), p_actor);
  else
    -- Nothing to write off: no activity row (amounts are never zero), the event still records the void.
    a := row(null, null, p_tenant, g.id, 'void', 0, 0, 0, null, p_reason, p_actor, now(), current_location())::gift_card_activity;
  end if;
  select * into g from gift_cards where id = g.id;
  perform emit_event(p_tenant, 'gift_card_updated', gift_card_event(g, a), p_actor);
  return gift_card_json(g);
end $$;
