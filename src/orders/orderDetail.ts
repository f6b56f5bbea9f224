import type { Caller } from '../identity/caller.ts';
import { authorize, readScope } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import type { OrderDetail } from './schemas.ts';

/**
 * Everything about one order, for the API's GET /orders/{id}/detail and the admin's order page: the
 * order, its status changes with who made each (order_status_history, written by order_create and
 * order_set_status; the admin's email or the key's name resolved for people to read), and the points ledger rows and gift card movements it wrote (both name the order by
 * its id). One statement, so the parts agree with each other.
 *
 * Like the lists, a caller bound to one site sees only its own site's orders: another site's is 404, as
 * for an order that does not exist, so a till learns nothing about the other sites' trade.
 */
export async function orderDetail(db: Db, caller: Caller, id: string): Promise<OrderDetail> {
  authorize(caller, 'orders.read');
  if (!Id.safeParse(id).success) throw notFound('Order');
  const site = readScope(caller, 'orders.read');
  const [row] = await db`
    select order_json(o) as order,
      coalesce((select jsonb_agg(jsonb_build_object('fromStatus', h.from_status, 'toStatus', h.to_status, 'actor', h.actor,
          'actorName', coalesce(
            (select a.email from admins a where a.tenant_id = o.tenant_id and 'admin:' || a.id = h.actor),
            (select 'API key ' || k.name from api_keys k where k.tenant_id = o.tenant_id and 'key:' || k.id = h.actor)),
          'createdAt', iso(h.created_at)) order by h.id)
        from order_status_history h where h.order_id = o.id), '[]') as status_history,
      coalesce((select jsonb_agg(ledger_json(l) order by l.seq)
        from ledger l where l.tenant_id = o.tenant_id and l.order_id = o.id::text), '[]') as ledger,
      coalesce((select jsonb_agg(gift_card_activity_json(a) order by a.seq)
        from gift_card_activity a where a.tenant_id = o.tenant_id and a.order_id = o.id::text), '[]') as gift_card_activity
    from orders o
    where o.tenant_id = ${caller.tenantId} and o.id = ${id}
      ${site ? db`and o.location_id = ${site}` : db``}`;
  if (!row) throw notFound('Order');
  return {
    order: row.order as OrderDetail['order'],
    statusHistory: row.status_history as OrderDetail['statusHistory'],
    ledger: row.ledger as OrderDetail['ledger'],
    giftCardActivity: row.gift_card_activity as OrderDetail['giftCardActivity'],
  };
}
