-- Points expiry (issue 13, item 2): Square's model. A tenant may set points_expire_after_days; each
-- point added then expires that many days after it was added, and every spend takes the oldest points
-- first (FIFO). Off (null) by default.
--
-- No lot table: the ledger already is one. Every positive ledger row is a lot; points_lots() replays a
-- customer's ledger in seq order (the order the customer row lock put it in) and says what is left of
-- each lot: redemptions, negative adjustments and claw-backs spend the oldest lots first, an `expire`
-- row takes the lots that were past their date when it was written. What is due now is what is left of
-- lots past their date. No balance is kept outside the ledger (a lot's date is stamped on its own row),
-- so I1 holds by construction: an expiry is one more apply_points() call, with its own `expire` row,
-- before/after, and loyalty_updated event (transactionType "expire").
--
-- Never retroactive unless asked. A lot's date is stamped on its ledger row when it is written
-- (ledger.expires_at, from the setting in force then), and only lots added since expiry was switched
-- on (tenants.points_expiry_since) count:
--   * switching expiry on starts the clock for points added from then on; points already held never expire;
--   * changing the number of days applies to points added from then on; points already held keep their date;
--   * switching it off stops all expiry; switching it on again starts afresh (nothing earned before expires);
--   * `applyToExistingPoints: true` on the PATCH is the owner asking: points added before that moment
--     expire `days` after they were added (points_expiry_existing_before/_days), some possibly at the next pass.
-- Positive adjustments (a merge's moved balance, goodwill) and returned redemptions are lots like any
-- other: they are dated when they were added, so a merged or returned balance starts a fresh clock.

alter table ledger drop constraint ledger_type_check;
alter table ledger add constraint ledger_type_check
  check (type in ('earn', 'add', 'redeem', 'adjust', 'reversal', 'expire')) not valid;
alter table ledger validate constraint ledger_type_check;

alter table ledger add column expires_at timestamptz;
create index ledger_expiry on ledger (tenant_id, expires_at, seq) where expires_at is not null;

alter table tenants
  add column points_expire_after_days integer check (points_expire_after_days between 1 and 3650),
  add column points_expiry_since timestamptz,
  add column points_expiry_existing_before timestamptz,
  add column points_expiry_existing_days integer check (points_expiry_existing_days between 1 and 3650),
  -- How far the maintenance pass has looked: lots due at or before (swept_at, swept_seq) were examined.
  add column points_expiry_swept_at timestamptz not null default '-infinity',
  add column points_expiry_swept_seq bigint not null default 0;

create or replace function tenant_settings_json(t tenants) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'slug', t.slug, 'name', t.name, 'currency', t.currency, 'defaultCountry', t.default_country,
    'earnPointsPerUnit', t.earn_points_per_unit::float8, 'earnMinOrderCents', t.earn_min_order_cents,
    'pointValueCents', t.point_value_cents, 'pointsExpireAfterDays', t.points_expire_after_days,
    'updatedAt', iso(t.updated_at))
$$;

-- The date a lot is stamped with when written, from the setting in force then. apply_points() and
-- every function that calls it stay as they were: the stamp is the table's business.
create function ledger_stamp_expiry() returns trigger language plpgsql as $$
begin
  new.expires_at := null;
  if new.points > 0 then
    select new.created_at + make_interval(days => t.points_expire_after_days) into new.expires_at
    from tenants t where t.id = new.tenant_id and t.points_expire_after_days is not null;
  end if;
  return new;
end $$;
create trigger ledger_expiry_stamp before insert on ledger for each row execute function ledger_stamp_expiry();

-- When a lot expires under the tenant's current setting (null: never). See the rules at the top.
create function points_lot_expiry(l ledger, t tenants) returns timestamptz language sql stable as $$
  select case
    when l.points <= 0 or t.points_expire_after_days is null then null
    when l.created_at < t.points_expiry_existing_before
      then l.created_at + make_interval(days => t.points_expiry_existing_days)
    when l.created_at >= t.points_expiry_since then l.expires_at
  end
$$;

-- What is left of each of a customer's lots, oldest first: the FIFO replay of their ledger. Reads only;
-- callers that act on it (points_expire, order_set_status) hold the customer row lock first, so the
-- ledger cannot move under them.
create function points_lots(p_tenant uuid, p_customer uuid)
returns table (ledger_id uuid, order_id text, lot_type text, points integer, added_at timestamptz,
               expires_at timestamptz, remaining integer, expired integer)
language plpgsql stable as $$
#variable_conflict use_column
declare
  t tenants;
  r record;
  v_id uuid[] := '{}';
  v_order text[] := '{}';
  v_type text[] := '{}';
  v_points integer[] := '{}';
  v_at timestamptz[] := '{}';
  v_exp timestamptz[] := '{}';
  v_rem integer[] := '{}';
  v_xp integer[] := '{}';
  n integer := 0;
  head integer := 1;
  need integer;
  take integer;
begin
  select * into t from tenants where id = p_tenant;
  for r in select l.id, l.order_id, l.type, l.points, l.created_at, points_lot_expiry(l, t) as due
           from ledger l where l.tenant_id = p_tenant and l.customer_id = p_customer order by l.seq loop
    if r.points > 0 then
      n := n + 1;
      v_id[n] := r.id; v_order[n] := r.order_id; v_type[n] := r.type; v_points[n] := r.points;
      v_at[n] := r.created_at; v_exp[n] := r.due; v_rem[n] := r.points; v_xp[n] := 0;
    else
      need := -r.points;
      if r.type = 'expire' then
        -- An expiry took what was left of the lots past their date when it was written, oldest first.
        for i in head..n loop
          exit when need = 0;
          if v_exp[i] <= r.created_at and v_rem[i] > 0 then
            take := least(v_rem[i], need);
            v_rem[i] := v_rem[i] - take; v_xp[i] := v_xp[i] + take; need := need - take;
          end if;
        end loop;
      end if;
      -- Every other spend (and an expiry whose lots a later opt-in redated) takes the oldest points first.
      while need > 0 and head <= n loop
        take := least(v_rem[head], need);
        v_rem[head] := v_rem[head] - take; need := need - take;
        if r.type = 'expire' then v_xp[head] := v_xp[head] + take; end if;
        if v_rem[head] = 0 then head := head + 1; end if;
      end loop;
    end if;
  end loop;
  return query select v_id[i], v_order[i], v_type[i], v_points[i], v_at[i], v_exp[i], v_rem[i], v_xp[i]
    from generate_series(1, n) as i;
end $$;

-- The points a customer has past their date at p_at and not yet expired.
create function points_expiry_due(p_tenant uuid, p_customer uuid, p_at timestamptz) returns integer
language sql stable as $$
  select coalesce(sum(x.remaining), 0)::int from points_lots(p_tenant, p_customer) x where x.expires_at <= p_at
$$;

-- The next points to expire: the earliest date among lots with points left, and how many expire then.
-- A date already past means the next maintenance pass takes them. Null when nothing will expire.
create function points_next_expiry(p_tenant uuid, p_customer uuid) returns jsonb language sql stable as $$
  select jsonb_build_object('points', sum(x.remaining)::int, 'expiresAt', iso(min(x.expires_at)))
  from (select l.remaining, l.expires_at, min(l.expires_at) over () as first
        from points_lots(p_tenant, p_customer) l where l.remaining > 0 and l.expires_at is not null) x
  where x.expires_at = x.first
    -- With expiry off nothing expires: answer without replaying the ledger.
    and exists (select 1 from tenants t where t.id = p_tenant and t.points_expire_after_days is not null)
  having count(*) > 0
$$;

-- Expire what is due for one customer: one `expire` ledger row (with before/after and its
-- loyalty_updated event, through apply_points) or nothing. Running it again writes nothing.
-- Lock order as every redemption's: the customer row first (FOR UPDATE), and only then the replay,
-- so an expiry racing a redemption sees the other's ledger row and never takes the same points twice.
create function points_expire(p_tenant uuid, p_customer uuid, p_actor text) returns jsonb language plpgsql as $$
declare
  v_due integer;
begin
  perform 1 from customers where id = p_customer and tenant_id = p_tenant for update;
  if not found then return null; end if;
  v_due := points_expiry_due(p_tenant, p_customer, now());
  if v_due <= 0 then return null; end if;
  return apply_points(p_tenant, p_customer, 'expire', -v_due,
    format('%s points expired', v_due), null, p_actor);
end $$;

-- The next lots that fell due since the tenant's last pass, across tenants with expiry on, in
-- (due, seq) order: the maintenance pass expires their customers one transaction each, then moves
-- each tenant's mark past what it looked at (points_expiry_advance). `due` is text so the mark keeps
-- Postgres's microseconds through the app. Unlocked: points_expire decides under the lock.
create function points_expiry_candidates(p_limit integer)
returns table (tenant_id uuid, customer_id uuid, due text, seq bigint) language sql stable as $$
  select x.tenant_id, x.customer_id, x.due::text, x.seq from (
    select l.tenant_id, l.customer_id, l.expires_at as due, l.seq
    from tenants t join ledger l on l.tenant_id = t.id and l.expires_at is not null
    where t.points_expire_after_days is not null and l.expires_at <= now()
      and l.expires_at >= t.points_expiry_swept_at -- the index range; the row comparison settles ties
      and (l.expires_at, l.seq) > (t.points_expiry_swept_at, t.points_expiry_swept_seq)
      and l.created_at >= t.points_expiry_since
      and (t.points_expiry_existing_before is null or l.created_at >= t.points_expiry_existing_before)
    union all
    select l.tenant_id, l.customer_id, l.created_at + make_interval(days => t.points_expiry_existing_days), l.seq
    from tenants t join ledger l on l.tenant_id = t.id
    where t.points_expire_after_days is not null and t.points_expiry_existing_before is not null
      and l.points > 0 and l.created_at < t.points_expiry_existing_before
      and l.created_at <= now() - make_interval(days => t.points_expiry_existing_days)
      and l.created_at >= t.points_expiry_swept_at - make_interval(days => t.points_expiry_existing_days)
      and (l.created_at + make_interval(days => t.points_expiry_existing_days), l.seq)
          > (t.points_expiry_swept_at, t.points_expiry_swept_seq)
  ) x order by x.due, x.seq limit p_limit
$$;

-- p_due is the text points_expiry_candidates gave: a timestamptz parameter would pass through a JS
-- Date in the client and lose its microseconds, leaving the mark just before the lot it names.
create function points_expiry_advance(p_tenant uuid, p_due text, p_seq bigint) returns void language sql as $$
  update tenants set points_expiry_swept_at = p_due::timestamptz, points_expiry_swept_seq = p_seq
  where id = p_tenant and (points_expiry_swept_at, points_expiry_swept_seq) < (p_due::timestamptz, p_seq)
$$;

-- The expiry part of a settings change, in the same transaction as settings_update() (which writes
-- the one settings_updated event). The rules are at the top of this file. Only the opt-in moves dates
-- into the past, so only it sends the pass back to the start (the pass is idempotent); otherwise every
-- date a change gives is later than now, past the pass's mark, and saving the form unchanged costs nothing.
create function points_expiry_set(p_tenant uuid, p_days integer, p_apply_existing boolean) returns void
language plpgsql as $$
declare
  t tenants;
begin
  select * into t from tenants where id = p_tenant for update;
  if p_apply_existing and p_days is null then
    perform raise_domain(400, 'validation_failed', 'applyToExistingPoints needs pointsExpireAfterDays.');
  end if;
  update tenants set
    points_expire_after_days = p_days,
    points_expiry_since = case when p_days is null then null
                               when t.points_expire_after_days is null then now()
                               else t.points_expiry_since end,
    points_expiry_existing_before = case when p_days is null then null
                                         when p_apply_existing then now()
                                         else t.points_expiry_existing_before end,
    points_expiry_existing_days = case when p_days is null then null
                                       when p_apply_existing then p_days
                                       else t.points_expiry_existing_days end,
    points_expiry_swept_at = case when p_apply_existing then '-infinity' else t.points_expiry_swept_at end,
    points_expiry_swept_seq = case when p_apply_existing then 0 else t.points_expiry_swept_seq end
  where id = p_tenant;
end $$;

-- order_set_status as in 0006, except that a cancellation claws back only what of the order's earned
-- points has not expired (points_lots); the rest of the rule (the balance never below zero, a
-- shortfall queued for a person, the balance limit) is unchanged.
create or replace function order_set_status(p_tenant uuid, p_order uuid, p_status text, p_actor text)
returns jsonb language plpgsql as $$
declare
  o orders;
  c customers;
  g gift_cards;
  ga gift_card_activity;
  v_prev text;
  v_allowed text[];
  v_spent integer := 0;
  v_take integer;
  v_balance_before integer;
  v_expired integer := 0;
  v_owed integer;
begin
  -- NO KEY UPDATE: refund/redeem rows elsewhere may reference this order without waiting on us.
  select * into o from orders where id = p_order and tenant_id = p_tenant for no key update;
  if o.id is null then
    perform raise_domain(404, 'not_found', 'Order not found.');
  end if;
  v_prev := o.status;
  v_allowed := order_next_states(v_prev);
  if not (p_status = any(v_allowed)) then
    perform raise_domain(409, 'invalid_transition',
      format('Order %s cannot move from %s to %s; allowed next states: %s.', o.order_number, v_prev, p_status,
             coalesce(nullif(array_to_string(v_allowed, ', '), ''), 'none')),
      jsonb_build_object('currentStatus', v_prev, 'requestedStatus', p_status, 'allowed', to_jsonb(v_allowed)));
  end if;

  if p_status = 'cancelled' then
    if o.customer_id is not null and (o.points_redeemed > 0 or o.points_earned > 0) then
      select * into c from customers where id = o.customer_id for update;
      v_balance_before := c.points_balance;
    end if;
    if o.gift_card_id is not null then
      -- Only what the checkout spent: a separate POST /gift-cards/{code}/redeem naming this order
      -- is its own sale and is not undone here.
      select * into g from gift_cards where id = o.gift_card_id for update;
      v_spent := o.gift_card_cents;
    end if;
  end if;

  update orders set status = p_status, updated_at = now() where id = o.id returning * into o;
  insert into order_status_history (tenant_id, order_id, from_status, to_status, actor)
  values (p_tenant, o.id, v_prev, p_status, p_actor);
  perform emit_event(p_tenant, 'order_updated', jsonb_build_object(
    'orderId', o.id, 'orderNumber', o.order_number, 'source', o.source, 'status', o.status,
    'previousStatus', v_prev, 'updatedAt', iso(o.updated_at)), p_actor);

  if p_status = 'cancelled' then
    if c.id is not null and o.points_redeemed > 0 then
      perform apply_points(p_tenant, c.id, 'reversal', o.points_redeemed,
        'Order ' || o.order_number || ' cancelled: redeemed points returned', o.id::text, p_actor);
    end if;
    if c.id is not null and o.points_earned > 0 then
      select * into c from customers where id = c.id;
      -- What of this order's earn has since expired is already gone: clawing it back again from the
      -- customer's other points would take it twice. Only the rest is owed (spent or still held).
      if exists (select 1 from ledger l where l.customer_id = c.id and l.type = 'expire') then
        select coalesce(sum(x.expired), 0)::int into v_expired
        from points_lots(p_tenant, c.id) x where x.order_id = o.id::text and x.lot_type = 'earn';
      end if;
      v_owed := o.points_earned - v_expired;
      v_take := least(v_owed, c.points_balance);
      if v_take > 0 then
        perform apply_points(p_tenant, c.id, 'reversal', -v_take,
          'Order ' || o.order_number || ' cancelled: earned points clawed back'
            || case when v_expired > 0 then format(' (%s had already expired)', v_expired) else '' end,
          o.id::text, p_actor);
      end if;
      if v_take < v_owed then
        insert into reconciliation_queue (tenant_id, customer_id, order_id, kind, points, detail)
        values (p_tenant, c.id, o.id::text, 'clawback_shortfall', v_owed - v_take,
          format('Order %s was cancelled: %s earned points should have been clawed back but the balance was %s; %s points are still owed.',
                 o.order_number, v_owed, v_take, v_owed - v_take));
      end if;
    end if;
    if v_spent > 0 then
      if g.status = 'void' then
        insert into reconciliation_queue (tenant_id, customer_id, order_id, kind, amount_cents, detail, gift_card_id)
        values (p_tenant, o.customer_id, o.id::text, 'gift_card_refund_on_void_card', v_spent,
          format('Order %s was cancelled: %s cents paid by gift card %s could not be refunded because the card is void.',
                 o.order_number, v_spent, gift_card_masked(g)), g.id);
      else
        ga := gift_card_apply(g.id, 'refund', v_spent, o.id::text, 'Order ' || o.order_number || ' cancelled', p_actor);
        select * into g from gift_cards where id = g.id;
        perform emit_event(p_tenant, 'gift_card_updated', gift_card_event(g, ga), p_actor);
      end if;
    end if;
    -- The balance limit, judged on where the two reversals leave the balance (the return alone may
    -- pass it for a moment, staying far inside `integer`). Raising here rolls the whole change back.
    if c.id is not null then
      select * into c from customers where id = c.id;
      if c.points_balance > points_balance_limit() and c.points_balance > v_balance_before then
        perform raise_domain(409, 'limit_exceeded',
          format('A points balance is limited to %s points: cancelling order %s would return %s points to a balance of %s.',
                 points_balance_limit(), o.order_number, c.points_balance - v_balance_before, v_balance_before),
          jsonb_build_object('limit', 'pointsBalance', 'max', points_balance_limit(), 'current', v_balance_before,
                             'requested', c.points_balance - v_balance_before));
      end if;
    end if;
  end if;
  return order_json(o);
end $$;

-- A settings change with its expiry part: settings_update() as before (one settings_updated event),
-- after points_expiry_set() when the patch names pointsExpireAfterDays (null switches expiry off).
create function settings_change(p_tenant uuid, p_patch jsonb, p_actor text) returns jsonb language plpgsql as $$
begin
  if p_patch ? 'pointsExpireAfterDays' then
    perform points_expiry_set(p_tenant, (p_patch->>'pointsExpireAfterDays')::int,
      coalesce((p_patch->>'applyToExistingPoints')::boolean, false));
  elsif coalesce((p_patch->>'applyToExistingPoints')::boolean, false) then
    perform raise_domain(400, 'validation_failed', 'applyToExistingPoints needs pointsExpireAfterDays.');
  end if;
  return settings_update(p_tenant, p_patch, p_actor);
end $$;
