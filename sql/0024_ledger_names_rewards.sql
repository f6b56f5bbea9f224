-- Loose ends of rewards (0015) and points expiry (0016) in the ledger's own JSON (issue 13, items 1-2).
--
-- ledger_json as in 0008 (its latest definition), plus three keys every ledger row now carries, so the
-- transactions list (GET /api/v1/customers/{id}/transactions), the admin ledger, an order's ledger rows
-- and a plain redemption's `transaction` all say the same thing:
--   * rewardId / rewardName: the reward a redemption spent its points on (ledger.reward_id, stamped by
--     current_reward() in 0015), null for every other row. The name is the reward's current name: a
--     renamed reward is still the same reward; the row's reason keeps the name it had then.
--   * expiresAt: when what is left of this lot expires under the tenant's setting now in force
--     (points_lot_expiry: stamped date, "never retroactive unless asked", expiry switched off → null);
--     null for spends. It is the lot's date, not a promise that points of it are still held: the FIFO
--     replay (points_lots) says how much of it is left.
-- Both lookups are by primary key, one per row, on pages of at most 100 rows.

create or replace function ledger_json(l ledger) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', l.id, 'customerId', l.customer_id, 'type', l.type, 'points', l.points,
    'balanceBefore', l.balance_before, 'balanceAfter', l.balance_after, 'reason', l.reason,
    'orderId', l.order_id, 'locationId', l.location_id, 'createdAt', iso(l.created_at),
    'rewardId', l.reward_id,
    'rewardName', (select r.name from rewards r where r.id = l.reward_id),
    'expiresAt', case when l.points > 0
      then (select iso(points_lot_expiry(l, t)) from tenants t where t.id = l.tenant_id) end)
$$;
