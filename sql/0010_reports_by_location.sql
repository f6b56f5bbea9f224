-- Reports per location and for the group (issue 11, item 5).
--
-- daily_report(tenant, from, to, tz) in 0002 stays as it was (history); the domain calls the new
-- overload below, which answers one site (p_location) or the whole group, and for the group can add a
-- per-location breakdown. The counting rules are 0002's, unchanged: orders by the day they were placed,
-- revenue = subtotal − points discount of orders not cancelled, points from the ledger, gift cards from
-- their activity ledger. A row counts at the location recorded on it (sql/0008): an order at the site it
-- was placed, a ledger or gift card row at the site where that change was made.

-- Figures per local day (in p_tz) and location, plus one total row per day (`total`), from one pass over
-- each ledger. Columns are named as the API names them, so a row turns into the report's JSON as is.
-- GROUPING SETS gives the per-location rows and the day's total in the same aggregation: the total is
-- the sum of its rows by construction. grouping() tells the total apart from the row of writes with no
-- location (whose location_id is null too).
create function daily_figures(p_tenant uuid, p_from date, p_to date, p_tz text, p_location uuid)
returns table (
  day date, "locationId" uuid, total boolean,
  orders int, "ordersCompleted" int, "ordersCancelled" int,
  "revenueCents" bigint, "pointsDiscountCents" bigint, "giftCardPaidCents" bigint,
  "pointsEarned" bigint, "pointsRedeemed" bigint, "pointsReversed" bigint,
  "giftCardsSold" int, "giftCardsSoldCents" bigint, "giftCardRedemptions" int,
  "giftCardsRedeemedCents" bigint, "giftCardsRefundedCents" bigint
) language sql stable as $$
  with span as (
    -- The instants the days cover: bounds on created_at let the (tenant_id, created_at) indexes serve.
    select (p_from::timestamp at time zone p_tz) as lo, ((p_to + 1)::timestamp at time zone p_tz) as hi
  ),
  parts as (
    select (x.created_at at time zone p_tz)::date as day, x.location_id,
      count(*) as orders,
      count(*) filter (where x.status = 'completed') as completed,
      count(*) filter (where x.status = 'cancelled') as cancelled,
      coalesce(sum(x.subtotal_cents - x.points_discount_cents) filter (where x.status <> 'cancelled'), 0) as revenue,
      coalesce(sum(x.points_discount_cents) filter (where x.status <> 'cancelled'), 0) as discount,
      coalesce(sum(x.gift_card_cents) filter (where x.status <> 'cancelled'), 0) as gift_paid,
      0 as earned, 0 as redeemed, 0 as reversed,
      0 as sold, 0 as sold_cents, 0 as redemptions, 0 as redeemed_cents, 0 as refunded_cents
    from orders x, span
    where x.tenant_id = p_tenant and x.created_at >= span.lo and x.created_at < span.hi
      and (p_location is null or x.location_id = p_location)
    group by 1, 2
    union all
    select (x.created_at at time zone p_tz)::date, x.location_id,
      0, 0, 0, 0, 0, 0,
      coalesce(sum(x.points) filter (where x.type in ('earn', 'add')), 0),
      coalesce(-sum(x.points) filter (where x.type = 'redeem'), 0),
      coalesce(sum(x.points) filter (where x.type = 'reversal'), 0),
      0, 0, 0, 0, 0
    from ledger x, span
    where x.tenant_id = p_tenant and x.created_at >= span.lo and x.created_at < span.hi
      and (p_location is null or x.location_id = p_location)
    group by 1, 2
    union all
    select (x.created_at at time zone p_tz)::date, x.location_id,
      0, 0, 0, 0, 0, 0, 0, 0, 0,
      count(*) filter (where x.type = 'issue'),
      coalesce(sum(x.amount_cents) filter (where x.type = 'issue'), 0),
      count(*) filter (where x.type = 'redeem'),
      coalesce(-sum(x.amount_cents) filter (where x.type = 'redeem'), 0),
      coalesce(sum(x.amount_cents) filter (where x.type = 'refund'), 0)
    from gift_card_activity x, span
    where x.tenant_id = p_tenant and x.created_at >= span.lo and x.created_at < span.hi
      and (p_location is null or x.location_id = p_location)
    group by 1, 2
  )
  select day, location_id, grouping(location_id) = 1,
    sum(orders)::int, sum(completed)::int, sum(cancelled)::int,
    sum(revenue)::bigint, sum(discount)::bigint, sum(gift_paid)::bigint,
    sum(earned)::bigint, sum(redeemed)::bigint, sum(reversed)::bigint,
    sum(sold)::int, sum(sold_cents)::bigint, sum(redemptions)::int,
    sum(redeemed_cents)::bigint, sum(refunded_cents)::bigint
  from parts
  group by grouping sets ((day, location_id), (day))
$$;

-- One object per local day in [p_from, p_to], zero-filled so a chart has every day: the figures of one
-- site (p_location), or of the whole group (p_location null). With p_breakdown (the group of a tenant
-- that has locations), each day also carries `locations`: one row per site — every site not archived,
-- an archived one only when it has figures in the range — and one row (`locationId` null) for writes
-- that recorded no location. Every row counts the same local day as the group, so the rows of a day sum
-- to the day's figures. The same sites appear on every day of a range, in the same order.
create function daily_report(p_tenant uuid, p_from date, p_to date, p_tz text, p_location uuid, p_breakdown boolean)
returns jsonb language sql stable as $$
  with days as (
    select d::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
  ),
  f as (
    select x.day, x."locationId", x.total, to_jsonb(x) - 'day' - 'locationId' - 'total' as figures
    from daily_figures(p_tenant, p_from, p_to, p_tz, p_location) x
  ),
  zero as (
    select '{"orders": 0, "ordersCompleted": 0, "ordersCancelled": 0, "revenueCents": 0, "pointsDiscountCents": 0,
      "giftCardPaidCents": 0, "pointsEarned": 0, "pointsRedeemed": 0, "pointsReversed": 0, "giftCardsSold": 0,
      "giftCardsSoldCents": 0, "giftCardRedemptions": 0, "giftCardsRedeemedCents": 0, "giftCardsRefundedCents": 0}'::jsonb as figures
  ),
  sites as (
    select l.id, l.code, l.name, l.seq from locations l
    where p_breakdown and l.tenant_id = p_tenant and l.archived_at is null
    union
    select f."locationId", l.code, l.name, l.seq from f left join locations l on l.id = f."locationId"
    where p_breakdown and not f.total
    union
    select null, null, null, null where p_breakdown
  ),
  breakdown as (
    select d.day, jsonb_agg(
      jsonb_build_object('locationId', s.id, 'code', s.code, 'name', s.name) || coalesce(f.figures, zero.figures)
      order by s.id is null, s.name, s.seq) as rows
    from days d cross join sites s cross join zero
    left join f on f.day = d.day and not f.total and f."locationId" is not distinct from s.id
    group by d.day
  )
  select coalesce(jsonb_agg(
    jsonb_build_object('date', to_char(d.day, 'YYYY-MM-DD')) || coalesce(t.figures, zero.figures)
      || case when p_breakdown then jsonb_build_object('locations', coalesce(b.rows, '[]'::jsonb)) else '{}'::jsonb end
    order by d.day), '[]'::jsonb)
  from days d cross join zero
  left join f t on t.day = d.day and t.total
  left join breakdown b on b.day = d.day
$$;
