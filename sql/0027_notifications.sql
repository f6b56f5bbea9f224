-- Notification centre for staff (issue 14, items 1–4).
--
-- A notification is a row per admin, written by SQL in the same transaction as the change that causes
-- it: a trigger on the outbox (`events`) for orders, redemptions and gift card sales, on
-- `reconciliation_queue` for a new item, on `terminal_presence` for a terminal whose last stream went.
-- The cause and its notifications commit or roll back together, so there is no consumer to run, no
-- cursor to keep and nothing to de-duplicate across instances: every instance that commits a change
-- writes its notifications once, because the change itself is written once (I6). The listener being
-- down has no row to hang on, so the instance that notices calls notify_listener_down().
--
-- Each new notification (and each read, read-all, delete) appends a personal event to the outbox
-- (`notification_created`, `notifications_read`) whose data names the admin: src/realtime/reach.ts
-- lets only that admin's session streams receive it, live or on replay, never a key or another admin.

create table notification_preferences (
  admin_id uuid primary key references admins on delete cascade,
  tenant_id uuid not null references tenants on delete cascade,
  -- The kinds that notify this admin (no row: notification_default_kinds(role)).
  kinds text[] not null,
  sound boolean not null default true,
  -- A points redemption of at least this many points notifies (kind large_redemption).
  redemption_threshold integer not null default 500 check (redemption_threshold between 1 and 1000000000),
  updated_at timestamptz not null default now()
);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  -- Keyset paging, newest first: (admin_id, seq desc).
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  admin_id uuid not null references admins on delete cascade,
  kind text not null check (kind in ('online_order', 'large_redemption', 'reconciliation_item', 'gift_card_sold',
    'terminal_offline', 'listener_down', 'webhook_disabled')),
  title text not null check (length(title) <= 200),
  body text check (length(body) <= 1000),
  -- Root-relative admin page about it.
  link text,
  -- What caused it ('event:<id>', 'reconciliation:<id>', …): a replayed cause never notifies twice.
  source_key text not null,
  -- The customer its body names, if any: erasing them blanks it (I8; notifications_forget_customer).
  customer_id uuid,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  unique (admin_id, source_key)
);
create index notifications_page on notifications (admin_id, seq desc);
create index notifications_unread on notifications (admin_id) where read_at is null;
create index notifications_customer on notifications (customer_id) where customer_id is not null;

-- Owners hear about everything; staff about what the counter acts on.
create function notification_default_kinds(p_role text) returns text[] language sql immutable as $$
  select case when p_role = 'owner'
    then array['online_order', 'large_redemption', 'reconciliation_item', 'gift_card_sold', 'terminal_offline', 'listener_down',
      'webhook_disabled']
    else array['online_order', 'reconciliation_item', 'terminal_offline'] end
$$;

-- Kinds that happen at a site: a staff admin limited to one site hears only of its own (and not of a
-- change that named no site), as their stream receives only their site's orders.
create function notification_at_site(p_kind text) returns boolean language sql immutable as $$
  select p_kind in ('online_order', 'large_redemption', 'gift_card_sold', 'terminal_offline')
$$;

-- Who a notification of this kind goes to: active admins of the tenant whose preferences include it.
-- listener_down and webhook_disabled are operations: owners only, whatever a staff admin ticks (a
-- webhook's URL may carry a token, and only owners manage webhooks).
create function notification_recipients(p_tenant uuid, p_kind text, p_location uuid, p_amount integer)
returns table (admin_id uuid) language sql stable as $$
  select a.id from admins a left join notification_preferences p on p.admin_id = a.id
  where a.tenant_id = p_tenant and a.deactivated_at is null
    and p_kind = any(coalesce(p.kinds, notification_default_kinds(a.role)))
    and (p_kind not in ('listener_down', 'webhook_disabled') or a.role = 'owner')
    and (p_kind <> 'large_redemption' or p_amount >= coalesce(p.redemption_threshold, 500))
    and (a.location_id is null or not notification_at_site(p_kind) or a.location_id = p_location)
$$;

create function notify_admins(p_tenant uuid, p_kind text, p_location uuid, p_amount integer,
  p_title text, p_body text, p_link text, p_source text, p_customer uuid default null)
returns void language sql as $$
  insert into notifications (tenant_id, admin_id, kind, title, body, link, source_key, customer_id)
  select p_tenant, r.admin_id, p_kind, left(p_title, 200), left(p_body, 1000), p_link, p_source, p_customer
  from notification_recipients(p_tenant, p_kind, p_location, p_amount) r
  on conflict (admin_id, source_key) do nothing
$$;

create function notification_json(n notifications) returns jsonb language sql stable as $$
  select jsonb_build_object('id', n.id, 'kind', n.kind, 'title', n.title, 'body', n.body, 'link', n.link,
    'createdAt', iso(n.created_at), 'readAt', iso(n.read_at))
$$;

create function notification_unread(p_admin uuid) returns integer language sql stable as $$
  select count(*)::int from notifications where admin_id = p_admin and read_at is null
$$;

-- Every new row tells its admin's open pages (toast, badge) through the outbox.
create function notifications_announce() returns trigger language plpgsql as $$
begin
  -- causeEventId: the event that caused it, if any, so the page shows one toast for both.
  perform emit_event(new.tenant_id, 'notification_created', jsonb_build_object('adminId', new.admin_id,
    'notification', notification_json(new), 'unreadCount', notification_unread(new.admin_id),
    'causeEventId', case when new.source_key like 'event:%' then substring(new.source_key from 7) end), null);
  return null;
end $$;
create trigger notifications_announce after insert on notifications for each row execute function notifications_announce();

create function money_text(p_cents bigint, p_currency text) returns text language sql immutable as $$
  select p_currency || ' ' || to_char(p_cents / 100.0, 'FM999999999990.00')
$$;

-- The outbox seam: the change's own event says what happened, in its transaction.
create function events_notify() returns trigger language plpgsql as $$
declare
  d jsonb := new.data;
  t tenants;
begin
  select * into t from tenants where id = new.tenant_id;
  if new.type = 'new_order' and d->>'source' = 'online' then
    perform notify_admins(new.tenant_id, 'online_order', new.location_id, null,
      'New online order ' || (d->>'orderNumber'),
      coalesce(d->>'customerName', 'A guest') || ' · ' || replace(d->>'orderType', '_', ' ') || ' · '
        || money_text((d->>'totalCents')::bigint, t.currency),
      '/' || t.slug || '/admin/orders/' || (d->>'orderId'), 'event:' || new.id, (d->>'customerId')::uuid);
  elsif new.type = 'loyalty_updated' and d->>'transactionType' = 'redeem' then
    perform notify_admins(new.tenant_id, 'large_redemption', new.location_id, -(d->>'pointsChange')::int,
      'Redemption of ' || -(d->>'pointsChange')::int || ' points',
      coalesce(d->>'customerName', 'A customer') || coalesce(' · ' || (d->>'rewardName'), '')
        || ' · balance now ' || (d->>'newBalance'),
      '/' || t.slug || '/admin/customers/' || (d->>'customerId'), 'event:' || new.id, (d->>'customerId')::uuid);
  elsif new.type = 'gift_card_purchased' then
    perform notify_admins(new.tenant_id, 'gift_card_sold', new.location_id, null,
      'Gift card sold: ' || money_text((d->>'initialCents')::bigint, t.currency),
      d->>'maskedCode', '/' || t.slug || '/admin/gift-cards', 'event:' || new.id);
  elsif new.type = 'webhook_disabled' then
    -- src/webhooks/worker.ts disabled an endpoint that failed for the whole retry horizon.
    perform notify_admins(new.tenant_id, 'webhook_disabled', null, null,
      'Webhook disabled: ' || (d->>'url'),
      'Failing since ' || (d->>'failingSince') || ' after ' || (d->>'attempts') || ' attempts: ' || (d->>'reason'),
      '/' || t.slug || '/admin/webhooks/' || (d->>'webhookId'), 'event:' || new.id);
  end if;
  return null;
end $$;
create trigger events_notify after insert on events for each row
  -- Narrow, so the hot paths (earning, POS orders) pay nothing: only the events that can notify.
  when ((new.type = 'new_order' and new.data->>'source' = 'online')
    or (new.type = 'loyalty_updated' and new.data->>'transactionType' = 'redeem')
    or new.type = 'gift_card_purchased' or new.type = 'webhook_disabled') execute function events_notify();

create function reconciliation_notify() returns trigger language plpgsql as $$
declare slug text;
begin
  select t.slug into slug from tenants t where t.id = new.tenant_id;
  perform notify_admins(new.tenant_id, 'reconciliation_item', null, null,
    'New reconciliation item', left(new.detail, 1000), '/' || slug || '/admin/reconciliation',
    'reconciliation:' || new.id);
  return null;
end $$;
-- Deferred to commit: the functions that queue an item lock customers and cards after it, and the
-- outbox counter (which announcing the notification takes) must be the last lock a transaction takes.
create constraint trigger reconciliation_notify after insert on reconciliation_queue deferrable initially deferred
  for each row execute function reconciliation_notify();

-- A terminal dropped off: the presence seam. Every way a key's streams end on an instance (its last
-- stream closed, the instance crashed and its rows expired, the key was revoked) deletes its presence
-- row; when no unexpired row of the key is left it is disconnected. A revoked key is not news, and a
-- graceful shutdown (its clients reconnect to another instance at once) sets tillstream.presence_withdraw.
-- One notification per connection episode (the latest connected_at), however many instances held it,
-- and at most one per terminal per 10 minutes.
create function terminal_presence_gone() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('tillstream.presence_withdraw', true), '') = 'on' then return null; end if;
  perform notify_admins(k.tenant_id, 'terminal_offline', k.location_id, null,
      'Terminal ' || k.name || ' dropped off', 'Its event stream closed; it is no longer connected.',
      '/' || t.slug || '/admin/terminals', 'terminal:' || k.id || ':' || g.connected_at)
    from (select api_key_id, max(connected_at) as connected_at from gone group by api_key_id) g
    join api_keys k on k.id = g.api_key_id
    join tenants t on t.id = k.tenant_id
    where k.revoked_at is null
      and not exists (select 1 from terminal_presence p where p.api_key_id = g.api_key_id and p.expires_at > now())
      -- A till on flaky wifi drops and reconnects all day: at most one notification per terminal per 10 minutes.
      and not exists (select 1 from notifications x where x.tenant_id = k.tenant_id and x.kind = 'terminal_offline'
        and x.source_key like 'terminal:' || k.id || ':%' and x.created_at > now() - interval '10 minutes');
  return null;
end $$;
create trigger terminal_presence_gone after delete on terminal_presence referencing old table as gone
  for each statement execute function terminal_presence_gone();

-- The event listener of an instance has been down since p_since (longer than its bound). One row per
-- owner per outage, whichever instances notice it: the advisory lock serialises them, and an owner who
-- already has a listener_down notification written since p_since is not told again.
create function notify_listener_down(p_since timestamptz, p_instance text) returns integer language plpgsql as $$
declare n integer;
begin
  perform pg_advisory_xact_lock(7351902226);
  insert into notifications (tenant_id, admin_id, kind, title, body, link, source_key)
  select a.tenant_id, a.id, 'listener_down', 'Live updates are delayed',
    'An app instance has not received events since ' || iso(p_since) || '; its pages fall back to refreshing.',
    null, 'listener:' || p_instance || ':' || iso(p_since)
  from admins a
  where a.role = 'owner' and a.deactivated_at is null
    and a.id in (select r.admin_id from notification_recipients(a.tenant_id, 'listener_down', null, null) r)
    and not exists (select 1 from notifications x where x.admin_id = a.id and x.kind = 'listener_down' and x.created_at >= p_since)
  on conflict (admin_id, source_key) do nothing;
  get diagnostics n = row_count;
  return n;
end $$;

-- Erasing a customer (customer_erase sets erased_at on them and on any merged into them) blanks the body
-- of every notification that named them, and of its notification_created event: those bodies join the
-- name with other words, so the erasure's exact-value scrub of the outbox would not find them (I8).
create function notifications_forget_customer() returns trigger language plpgsql as $$
declare v_ids text[];
begin
  with gone as (
    update notifications set body = null where customer_id = new.id and body is not null returning id::text as id
  )
  select array_agg(id) into v_ids from gone;
  if v_ids is not null then
    update events e set data = jsonb_set(e.data, '{notification,body}', 'null'::jsonb)
    where e.tenant_id = new.tenant_id and e.type = 'notification_created' and e.data->'notification'->>'id' = any(v_ids);
  end if;
  return null;
end $$;
create trigger notifications_forget_customer after update of erased_at on customers for each row
  when (old.erased_at is null and new.erased_at is not null) execute function notifications_forget_customer();

-- Read, read-all, delete: one admin's own rows only (another's id is simply not found: null).
create function notification_read(p_admin uuid, p_id uuid) returns jsonb language plpgsql as $$
declare n notifications;
begin
  select * into n from notifications where id = p_id and admin_id = p_admin for update;
  if not found then return null; end if;
  if n.read_at is null then
    update notifications set read_at = now() where id = p_id returning * into n;
    perform emit_event(n.tenant_id, 'notifications_read', jsonb_build_object('adminId', p_admin,
      'ids', jsonb_build_array(n.id), 'deleted', false, 'unreadCount', notification_unread(p_admin)), 'admin:' || p_admin);
  end if;
  return notification_json(n);
end $$;

create function notification_read_all(p_admin uuid) returns integer language plpgsql as $$
declare
  v_tenant uuid;
  v_count integer;
begin
  select tenant_id into v_tenant from admins where id = p_admin;
  with r as (update notifications set read_at = now() where admin_id = p_admin and read_at is null returning 1)
  select count(*)::int into v_count from r;
  if v_count > 0 then
    perform emit_event(v_tenant, 'notifications_read', jsonb_build_object('adminId', p_admin,
      'ids', null, 'deleted', false, 'unreadCount', 0), 'admin:' || p_admin);
  end if;
  return v_count;
end $$;

create function notification_delete(p_admin uuid, p_id uuid) returns boolean language plpgsql as $$
declare n notifications;
begin
  delete from notifications where id = p_id and admin_id = p_admin returning * into n;
  if not found then return false; end if;
  perform emit_event(n.tenant_id, 'notifications_read', jsonb_build_object('adminId', p_admin,
    'ids', jsonb_build_array(n.id), 'deleted', true, 'unreadCount', notification_unread(p_admin)), 'admin:' || p_admin);
  return true;
end $$;
