import { z } from '@hono/zod-openapi';
import type { Caller } from '../identity/caller.ts';
import { authorize, readScope } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import { Order } from '../orders/schemas.ts';
import { GiftCard } from '../giftCards/schemas.ts';

// A customer's visit history: the orders they placed and the gift cards they bought. Both doors read
// it here: GET /api/v1/customers/{id}/orders and /gift-cards (./visitRoutes.ts), and the admin
// customer page. Orders are orders.read, so a caller bound to one site sees that site's orders only
// (SITE_SCOPED_READS), exactly as on the orders list.

export const CustomerOrder = Order.extend({
  locationName: z.string().nullable().openapi({ description: 'The name of the site it was placed at, or null' }),
}).openapi('CustomerOrder');
export type CustomerOrder = z.infer<typeof CustomerOrder>;
export const CustomerOrderPage = z.object({ data: z.array(CustomerOrder), nextCursor: z.string().nullable() })
  .openapi('CustomerOrderPage');
export type CustomerOrderPage = z.infer<typeof CustomerOrderPage>;
export const CustomerGiftCards = z.object({ data: z.array(GiftCard) }).openapi('CustomerGiftCards');
export type CustomerGiftCards = z.infer<typeof CustomerGiftCards>;

/** The most gift cards one customer's page lists: nobody buys more by hand; the list says when it stops. */
export const GIFT_CARD_LIMIT = 100;

async function ownCustomer(db: Db, caller: Caller, id: string) {
  if (!Id.safeParse(id).success) throw notFound('Customer');
  const [row] = await db`select 1 from customers where tenant_id = ${caller.tenantId} and id = ${id}`;
  if (!row) throw notFound('Customer');
}

/** The customer's orders, newest first, keyset by the tenant's order sequence. */
export async function customerOrders(db: Db, caller: Caller, id: string, query: { limit: number; cursor?: string }): Promise<CustomerOrderPage> {
  authorize(caller, 'orders.read');
  await ownCustomer(db, caller, id);
  const after = decodeCursor(query.cursor);
  const site = readScope(caller, 'orders.read');
  const rows = await db`select order_json(o) || jsonb_build_object('locationName', l.name) as order, o.seq
    from orders o left join locations l on l.tenant_id = o.tenant_id and l.id = o.location_id
    where o.tenant_id = ${caller.tenantId} and o.customer_id = ${id}
      ${site ? db`and o.location_id = ${site}` : db``}
      ${after !== null ? db`and o.seq < ${after}` : db``}
    order by o.seq desc limit ${query.limit + 1}`;
  return keysetPage(rows, query.limit, (r) => r.order as CustomerOrder);
}

/**
 * The gift cards the customer bought, newest first: those linked to them when sold (customerId, or
 * re-pointed by a merge; sql/0014). One index lookup (gift_cards_purchaser), never a text match.
 */
export async function customerGiftCards(db: Db, caller: Caller, id: string): Promise<CustomerGiftCards> {
  authorize(caller, 'giftCards.read');
  await ownCustomer(db, caller, id);
  const rows = await db`select gift_card_json(g) as card from gift_cards g
    where g.tenant_id = ${caller.tenantId} and g.purchaser_customer_id = ${id}
    order by g.seq desc limit ${GIFT_CARD_LIMIT}`;
  return { data: rows.map((r) => r.card as GiftCard) };
}
