-- Gift cards as a business (issue 13, item 5): the list staff search, and what the cards are worth to
-- the business, as of any instant, read from the activity ledger alone.

-- The list's search: purchaser and recipient, folded as customer names are (sql/0013), matched with
-- LIKE '%…%' through a trigram index. The code is never searched beyond its visible tail (see list.ts).
create index gift_cards_search on gift_cards
  using gin (search_fold(purchased_by || ' ' || coalesce(recipient_name, '')) gin_trgm_ops);

-- Liability: what live cards owe, and how that moved in [p_from, p_to). Every figure comes from
-- gift_card_activity (append-only, I3) and each card's expires_at, so any past instant gives the answer
-- it gave then. Nothing is stored: 'expired' is derived from expires_at, as gift_card_status does.
--
-- A card is live at T when it has not expired by T (expires_at is null or after T); its balance at T is
-- the sum of its activity before T. A void writes the balance off with a 'void' row, so a voided card's
-- balance is 0 from then on and needs no status of its own.
--
--   outstanding(T) = Σ balance at T of cards live at T
--   sold           = Σ issue rows in the period
--   redeemed       = Σ redeem rows − Σ refund rows in the period (spend net of cancelled orders' refunds)
--   voided         = Σ void rows in the period on cards not yet expired when voided
--   expired        = Σ balance at expiry of cards expiring in (p_from, p_to], plus refunds in the period
--                    that landed on a card already expired (they are broken the moment they land)
--
-- Breakage is `expired`: value the business keeps because it was never spent. A void after expiry
-- writes off value that had already broken, so it counts nowhere (else it would be counted twice).
-- These make the period reconcile exactly: opening + sold − redeemed − voided − expired = outstanding.
create function gift_card_liability(p_tenant uuid, p_from timestamptz, p_to timestamptz) returns jsonb
language sql stable as $$
  with rows as (
    select a.type, a.amount_cents::bigint as amount, a.created_at, g.id as card, g.expires_at,
      (g.expires_at is not null and a.created_at >= g.expires_at) as after_expiry
    from gift_card_activity a join gift_cards g on g.id = a.gift_card_id
    where a.tenant_id = p_tenant and a.created_at < p_to
  ),
  at_expiry as (
    -- Each card expiring in (p_from, p_to] with its balance the moment it expired.
    select coalesce(sum(r.amount) filter (where r.created_at < r.expires_at), 0) as amount
    from rows r where r.expires_at > p_from and r.expires_at <= p_to
  ),
  live as (
    select
      coalesce(sum(amount) filter (where expires_at is null or expires_at > p_to), 0) as outstanding,
      coalesce(sum(amount) filter (where created_at < p_from and (expires_at is null or expires_at > p_from)), 0) as opening
    from rows
  ),
  flows as (
    select
      coalesce(sum(amount) filter (where type = 'issue'), 0) as sold,
      coalesce(-sum(amount) filter (where type in ('redeem', 'refund')), 0) as redeemed,
      coalesce(sum(amount) filter (where type = 'refund'), 0) as refunded,
      coalesce(-sum(amount) filter (where type = 'void' and not after_expiry), 0) as voided,
      coalesce(sum(amount) filter (where type = 'refund' and after_expiry), 0) as refunded_after_expiry
    from rows where created_at >= p_from
  )
  select jsonb_build_object(
    'outstandingCents', live.outstanding, 'openingCents', live.opening,
    'soldCents', flows.sold, 'redeemedCents', flows.redeemed, 'refundedCents', flows.refunded,
    'voidedCents', flows.voided, 'expiredCents', at_expiry.amount + flows.refunded_after_expiry)
  from live, flows, at_expiry
$$;
