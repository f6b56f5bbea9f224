-- A rewards menu (issue 13, item 1): "Free coffee — 100 points", "£5 off — 250 points". A reward is a
-- name, a points cost, and exactly one of a fixed discount in cents or a named free item; owners
-- deactivate rather than delete, so every ledger row that names a reward keeps naming it.
--
-- Redeeming a reward is a plain redemption of its cost: reward_redeem() calls points_redeem() (and so
-- apply_points(), the one place points move) under the same customer lock, with the same
-- insufficient_points refusal. Nothing here replaces apply_points or points_redeem: the ledger row and
-- the loyalty_updated event learn the reward from a transaction-local setting (current_reward(), the
-- way ledger.location_id learns its site from current_location()), so whatever else changes how points
-- are spent keeps working here. Lock order: reward (FOR SHARE), then customer, gift card, counter.

create table rewards (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  name text not null check (length(name) between 1 and 100),
  points_cost integer not null check (points_cost between 1 and 1000000),
  discount_cents integer check (discount_cents between 1 and 100000000),
  free_item text check (length(free_item) between 1 and 100),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((discount_cents is null) <> (free_item is null)),
  unique (tenant_id, id)
);
create index rewards_menu on rewards (tenant_id, points_cost, seq);

-- `discountCents` or `freeItem`, whichever the reward is: never both, never a null placeholder.
create function reward_json(r rewards) returns jsonb language sql stable as $$
  select jsonb_build_object('id', r.id, 'name', r.name, 'pointsCost', r.points_cost, 'active', r.active,
                            'createdAt', iso(r.created_at))
    || case when r.discount_cents is not null then jsonb_build_object('discountCents', r.discount_cents)
            else jsonb_build_object('freeItem', r.free_item) end
$$;

-- The reward being redeemed in this transaction, if any (set and cleared around the one redeem).
create function current_reward() returns uuid language sql stable as $$
  select nullif(current_setting('tillstream.reward', true), '')::uuid
$$;

alter table ledger add column reward_id uuid default current_reward();
alter table ledger add foreign key (tenant_id, reward_id) references rewards (tenant_id, id);

-- The loyalty_updated event of a reward's redemption says which reward it was.
create function events_name_the_reward() returns trigger language plpgsql as $$
declare r rewards;
begin
  select * into r from rewards where id = current_reward();
  new.data := new.data || jsonb_build_object('rewardId', r.id, 'rewardName', r.name);
  return new;
end $$;
create trigger events_name_the_reward before insert on events for each row
  when (new.type = 'loyalty_updated' and current_reward() is not null) execute function events_name_the_reward();

-- The reward, shared-locked so it cannot be deactivated under a redemption; another tenant's is 404.
create function reward_lock_for_redeem(p_tenant uuid, p_reward uuid) returns rewards language plpgsql as $$
declare r rewards;
begin
  select * into r from rewards where id = p_reward and tenant_id = p_tenant for share;
  if r.id is null then
    perform raise_domain(404, 'not_found', 'Reward not found.');
  end if;
  if not r.active then
    perform raise_domain(409, 'reward_inactive', format('The reward %s is not active.', r.name),
      jsonb_build_object('rewardId', r.id));
  end if;
  return r;
end $$;

create function reward_redeem(p_tenant uuid, p_customer uuid, p_reward uuid, p_actor text)
returns jsonb language plpgsql as $$
declare
  r rewards;
  v jsonb;
begin
  r := reward_lock_for_redeem(p_tenant, p_reward);
  perform set_config('tillstream.reward', r.id::text, true);
  v := points_redeem(p_tenant, p_customer, r.points_cost, 'Reward ' || r.name, null, p_actor);
  perform set_config('tillstream.reward', '', true);
  return jsonb_build_object('transaction', (v->'transaction') || jsonb_build_object('rewardId', r.id),
                            'customer', v->'customer', 'reward', reward_json(r));
end $$;

create function reward_save(p_tenant uuid, p_id uuid, p_patch jsonb, p_actor text) returns jsonb language plpgsql as $$
declare r rewards;
begin
  if p_id is null then
    insert into rewards (tenant_id, name, points_cost, discount_cents, free_item, active)
    values (p_tenant, p_patch->>'name', (p_patch->>'pointsCost')::int, (p_patch->>'discountCents')::int,
            p_patch->>'freeItem', coalesce((p_patch->>'active')::boolean, true))
    returning * into r;
  else
    -- Naming the other kind switches the reward's kind: a discount clears the free item, and back.
    update rewards set
      name = coalesce(p_patch->>'name', name),
      points_cost = coalesce((p_patch->>'pointsCost')::int, points_cost),
      discount_cents = case when p_patch ? 'freeItem' then null else coalesce((p_patch->>'discountCents')::int, discount_cents) end,
      free_item = case when p_patch ? 'discountCents' then null else coalesce(p_patch->>'freeItem', free_item) end,
      active = coalesce((p_patch->>'active')::boolean, active),
      updated_at = now()
    where id = p_id and tenant_id = p_tenant returning * into r;
    if r.id is null then
      perform raise_domain(404, 'not_found', 'Reward not found.');
    end if;
  end if;
  perform emit_event(p_tenant, case when p_id is null then 'reward_created' else 'reward_updated' end,
                     jsonb_build_object('reward', reward_json(r)), p_actor);
  return reward_json(r);
end $$;

-- order_create as in 0006, taking `rewardId` as well as raw `redeemPoints` (never both): the reward's
-- cost is the points redeemed; a discount reward takes its discountCents off (not cost × point value);
-- a free-item reward takes nothing off (the item is rung up at 0). The redeem row names the reward.
-- The only changes from 0006, for anyone merging another redefinition of order_create: the `r rewards`
-- variable; the `rewardId` block after `select * into t`; v_discount's `case`; the `(reward,)` in the
-- lock-order comment; and the `if r.id is not null … elsif v_redeem > 0` around the redeem apply_points.
create or replace function order_create(p_tenant uuid, p_req jsonb, p_phone text, p_gift_code text, p_actor text)
returns jsonb language plpgsql as $$
declare
  t tenants;
  c customers;
  g gift_cards;
  o orders;
  r rewards;
  ga gift_card_activity;
  v_enrolled boolean := false;
  v_items jsonb;
  v_subtotal bigint;
  v_redeem integer := coalesce((p_req->>'redeemPoints')::int, 0);
  v_discount bigint;
  v_gift integer := coalesce((p_req #>> '{giftCard,amountCents}')::int, 0);
  v_earn integer := 0;
  v_number bigint;
begin
  select * into t from tenants where id = p_tenant;
  -- A reward stands in for raw points: its cost is what is redeemed, its discount (if any) what comes
  -- off. Locked first (FOR SHARE), before the customer, as reward_redeem() does.
  if p_req ? 'rewardId' then
    if v_redeem > 0 then
      perform raise_domain(400, 'validation_failed', 'rewardId: send a reward or redeemPoints, not both.');
    end if;
    if p_phone is null then
      perform raise_domain(400, 'validation_failed', 'rewardId: redeeming a reward needs a customer.');
    end if;
    r := reward_lock_for_redeem(p_tenant, (p_req->>'rewardId')::uuid);
    v_redeem := r.points_cost;
  end if;

  select jsonb_agg(jsonb_build_object(
           'name', i->>'name', 'quantity', (i->>'quantity')::int, 'unitPriceCents', (i->>'unitPriceCents')::int,
           'lineTotalCents', (i->>'quantity')::bigint * (i->>'unitPriceCents')::bigint) order by n),
         sum((i->>'quantity')::bigint * (i->>'unitPriceCents')::bigint)
    into v_items, v_subtotal
    from jsonb_array_elements(p_req->'items') with ordinality as x(i, n);
  if v_items is null then
    perform raise_domain(400, 'validation_failed', 'items: an order needs at least one item.');
  end if;
  if v_subtotal > 100000000 then
    perform raise_domain(400, 'validation_failed', 'items: the order subtotal may not exceed 100000000 cents.');
  end if;
  if v_redeem > 0 and p_phone is null then
    perform raise_domain(400, 'validation_failed', 'redeemPoints: redeeming points needs a customer.');
  end if;
  v_discount := case when r.id is null then v_redeem::bigint * t.point_value_cents else coalesce(r.discount_cents, 0) end;
  if v_discount > v_subtotal then
    perform raise_domain(409, 'redemption_exceeds_subtotal',
      format('Redeeming %s points (%s cents) exceeds the order subtotal of %s cents.', v_redeem, v_discount, v_subtotal),
      jsonb_build_object('subtotalCents', v_subtotal, 'discountCents', v_discount,
                         'maxRedeemablePoints', v_subtotal / t.point_value_cents));
  end if;
  if v_gift > v_subtotal - v_discount then
    perform raise_domain(409, 'gift_card_exceeds_total',
      format('The gift card amount of %s cents exceeds the %s cents left to pay.', v_gift, v_subtotal - v_discount),
      jsonb_build_object('remainingCents', v_subtotal - v_discount, 'requested', v_gift));
  end if;

  -- Locks, in the documented order: (reward,) customer, gift card, order-number counter. No event before this.
  if p_phone is not null then
    insert into customers (tenant_id, phone, name, email)
    values (p_tenant, p_phone, p_req #>> '{customer,name}', p_req #>> '{customer,email}')
    on conflict (tenant_id, phone) do nothing returning * into c;
    if c.id is not null then
      v_enrolled := true;
    else
      select * into c from customers where tenant_id = p_tenant and phone = p_phone for update;
    end if;
    if c.points_balance < v_redeem then
      perform raise_domain(409, 'insufficient_points',
        format('Insufficient loyalty points. Available: %s, Requested: %s', c.points_balance, v_redeem),
        jsonb_build_object('available', c.points_balance, 'requested', v_redeem));
    end if;
  end if;
  if p_gift_code is not null then
    g := gift_card_lock_for_spend(p_tenant, p_gift_code, v_gift);
  end if;
  insert into order_counters (tenant_id, last_number) values (p_tenant, 1001)
  on conflict (tenant_id) do update set last_number = order_counters.last_number + 1
  returning last_number into v_number;

  if c.id is not null then
    v_earn := earn_points_for(p_tenant, (v_subtotal - v_discount)::int);
    -- A sale is never refused for loyalty's sake: near the balance limit it earns what still fits
    -- (after this order's own redemption), and the order records what it earned, so a cancellation
    -- claws back exactly that.
    v_earn := greatest(0, least(v_earn::bigint,
      points_balance_limit() - (c.points_balance - v_redeem),
      points_total_limit() - c.total_points_earned))::int;
  end if;

  insert into orders (tenant_id, order_number, source, order_type, customer_id, customer_name, customer_phone,
                      items, subtotal_cents, points_redeemed, points_discount_cents, gift_card_id, gift_card_cents,
                      total_cents, points_earned, special_instructions)
  values (p_tenant, 'ORD-' || v_number, p_req->>'source', p_req->>'orderType', c.id,
          coalesce(p_req #>> '{customer,name}', c.name), c.phone, v_items, v_subtotal, v_redeem, v_discount,
          g.id, v_gift, v_subtotal - v_discount - v_gift, v_earn, nullif(btrim(p_req->>'specialInstructions'), ''))
  returning * into o;
  insert into order_status_history (tenant_id, order_id, from_status, to_status, actor)
  values (p_tenant, o.id, null, 'pending', p_actor);

  -- Events (and the ledger rows, whose events apply_points emits), in the order a reader expects.
  if v_enrolled then
    perform emit_event(p_tenant, 'customer_created', jsonb_build_object('customer', customer_json(c)), p_actor);
  end if;
  perform emit_event(p_tenant, 'new_order', jsonb_build_object(
    'orderId', o.id, 'orderNumber', o.order_number, 'source', o.source, 'status', o.status,
    'customerId', o.customer_id, 'customerName', o.customer_name, 'customerPhone', o.customer_phone,
    'orderType', o.order_type, 'totalCents', o.total_cents, 'items', o.items,
    'specialInstructions', o.special_instructions, 'createdAt', iso(o.created_at)), p_actor);
  if r.id is not null then
    -- The ledger row and its loyalty_updated event name the reward (current_reward(), below).
    perform set_config('tillstream.reward', r.id::text, true);
    perform apply_points(p_tenant, c.id, 'redeem', -v_redeem, 'Reward ' || r.name || ' at checkout ' || o.order_number, o.id::text, p_actor);
    perform set_config('tillstream.reward', '', true);
  elsif v_redeem > 0 then
    perform apply_points(p_tenant, c.id, 'redeem', -v_redeem, 'Redeemed at checkout ' || o.order_number, o.id::text, p_actor);
  end if;
  if v_gift > 0 then
    ga := gift_card_apply(g.id, 'redeem', -v_gift, o.id::text, 'Checkout ' || o.order_number, p_actor);
    select * into g from gift_cards where id = g.id;
    perform emit_event(p_tenant, 'gift_card_redeemed', gift_card_event(g, ga), p_actor);
  end if;
  if v_earn > 0 then
    perform apply_points(p_tenant, c.id, 'earn', v_earn, 'Earned on order ' || o.order_number, o.id::text, p_actor);
  end if;
  return order_json(o);
end $$;
