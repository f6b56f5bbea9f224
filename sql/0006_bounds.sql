-- Bounds (issue 10, item 9): no sequence of valid requests can overflow a column, and a request that
-- would pass a bound is refused with 409 limit_exceeded naming it, instead of Postgres refusing an
-- integer overflow (22003) that the app could only blame on the client.
--
-- Each request is bounded by its schema (README, "Bounds"): at most 1,000,000 points per change, order
-- totals and subtotals up to 100,000,000 minor units, an earn rate up to 1000 points per unit, so one
-- earn is at most 1,000,000,000 points and every per-row amount fits `integer`. What accumulates is
-- bounded here:
--   * a customer's points balance: at most points_balance_limit() (1,000,000,000), checked under the
--     customer's row lock in apply_points for every change that adds points, and for a cancellation
--     on where its reversals leave the balance, so the balance and the ledger's balance_before/after
--     stay far inside `integer`;
--   * lifetime totals earned and redeemed, which grow without limit as points are earned and spent:
--     bigint, refused past points_total_limit() (2^53 - 1, the largest integer a JSON number carries
--     exactly);
--   * order numbers: bigint;
--   * a gift card's balance needs nothing: it starts at most GIFT_CARD_MAX_CENTS and only a refund of
--     that card's own checkout spend ever adds to it, so it never exceeds what the card was issued for.

create function points_balance_limit() returns bigint language sql immutable as $$ select 1000000000::bigint $$;
create function points_total_limit() returns bigint language sql immutable as $$ select 9007199254740991::bigint $$;

alter table customers
  alter column total_points_earned type bigint,
  alter column total_points_redeemed type bigint;
alter table order_counters alter column last_number type bigint;

-- The schema has always bounded these; the table now says so too, so earn_points_for's result
-- (total × rate / 100) always fits `integer`. NOT VALID: rows written before are left as they are.
alter table tenants add constraint tenants_earn_rate_bounded check (earn_points_per_unit <= 1000) not valid;
alter table tenants add constraint tenants_earn_min_bounded check (earn_min_order_cents <= 100000000) not valid;

-- apply_points as in 0001, plus the two bounds, checked under the row lock before anything is written.
create or replace function apply_points(p_tenant uuid, p_customer uuid, p_type text, p_points integer,
                                        p_reason text, p_order text, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  l ledger;
  v_earned bigint;
  v_redeemed bigint;
begin
  select * into c from customers where id = p_customer and tenant_id = p_tenant for update;
  if c.id is null then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  if p_points = 0 then
    perform raise_domain(400, 'validation_failed', 'points must not be zero.');
  end if;
  if c.points_balance::bigint + p_points < 0 then
    perform raise_domain(409, 'insufficient_points',
      format('Insufficient loyalty points. Available: %s, Requested: %s', c.points_balance, -p_points),
      jsonb_build_object('available', c.points_balance, 'requested', -p_points));
  end if;
  -- Only changes that add points: a balance above the limit from before it existed can still be spent.
  -- A cancellation's reversals are judged together, on the balance they leave (order_set_status).
  if p_points > 0 and p_type <> 'reversal' and c.points_balance::bigint + p_points > points_balance_limit() then
    perform raise_domain(409, 'limit_exceeded',
      format('A points balance is limited to %s points. Balance: %s, adding: %s.', points_balance_limit(), c.points_balance, p_points),
      jsonb_build_object('limit', 'pointsBalance', 'max', points_balance_limit(), 'current', c.points_balance, 'requested', p_points));
  end if;
  v_earned := c.total_points_earned + case
    when p_type in ('earn', 'add') then p_points
    when p_type = 'reversal' and p_points < 0 then p_points else 0 end;
  v_redeemed := c.total_points_redeemed + case
    when p_type = 'redeem' then -p_points
    when p_type = 'reversal' and p_points > 0 then -p_points else 0 end;
  if v_earned > points_total_limit() or v_redeemed > points_total_limit() then
    perform raise_domain(409, 'limit_exceeded',
      format('Lifetime points totals are limited to %s points.', points_total_limit()),
      jsonb_build_object('limit', case when v_earned > points_total_limit() then 'totalPointsEarned' else 'totalPointsRedeemed' end,
                         'max', points_total_limit(), 'requested', abs(p_points)));
  end if;

  insert into ledger (tenant_id, customer_id, type, points, balance_before, balance_after, reason, order_id, actor)
  values (p_tenant, c.id, p_type, p_points, c.points_balance, c.points_balance + p_points, p_reason, p_order, p_actor)
  returning * into l;

  update customers set
    points_balance = l.balance_after,
    total_points_earned = v_earned,
    total_points_redeemed = v_redeemed,
    updated_at = now()
  where id = c.id returning * into c;

  perform emit_event(p_tenant, 'loyalty_updated', jsonb_build_object(
    'customerId', c.id, 'customerPhone', c.phone, 'customerName', c.name,
    'pointsChange', l.points, 'newBalance', c.points_balance,
    'totalPointsEarned', c.total_points_earned, 'totalPointsRedeemed', c.total_points_redeemed,
    'transactionType', l.type, 'reason', l.reason, 'orderId', l.order_id, 'transactionId', l.id), p_actor);

  return jsonb_build_object('transaction', ledger_json(l), 'customer', customer_json(c));
end $$;

-- order_set_status as in 0002, refusing a cancellation whose reversals would leave the balance past
-- the limit (returning redeemed points to a balance that has since filled up).
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
      v_take := least(o.points_earned, c.points_balance);
      if v_take > 0 then
        perform apply_points(p_tenant, c.id, 'reversal', -v_take,
          'Order ' || o.order_number || ' cancelled: earned points clawed back', o.id::text, p_actor);
      end if;
      if v_take < o.points_earned then
        insert into reconciliation_queue (tenant_id, customer_id, order_id, kind, points, detail)
        values (p_tenant, c.id, o.id::text, 'clawback_shortfall', o.points_earned - v_take,
          format('Order %s was cancelled: %s earned points should have been clawed back but the balance was %s; %s points are still owed.',
                 o.order_number, o.points_earned, v_take, o.points_earned - v_take));
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

-- order_create as in 0002, with order numbers in bigint and the earn fitted under the limits.
create or replace function order_create(p_tenant uuid, p_req jsonb, p_phone text, p_gift_code text, p_actor text)
returns jsonb language plpgsql as $$
declare
  t tenants;
  c customers;
  g gift_cards;
  o orders;
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
  v_discount := v_redeem::bigint * t.point_value_cents;
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

  -- Locks, in the documented order: customer, gift card, order-number counter. No event before this.
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
  if v_redeem > 0 then
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
