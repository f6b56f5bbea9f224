import { normalizePhone } from '../customers/phone.ts';
import { giftCardCode } from '../giftCards/giftCards.ts';
import { withGiftCardThrottle } from '../giftCards/throttle.ts';
import type { Caller } from '../identity/caller.ts';
import { authorize, readScope } from '../identity/policy.ts';
import { atLocation } from '../locations/where.ts';
import type { Db, Sql, Tx } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import { orderMatches, orderRange } from './historyFilter.ts';
import type { Order, OrderHistory, OrderListQuery, OrderPage, OrderRequest, OrderStatus, OrderStatusRequest } from './schemas.ts';

// The orders domain, both doors: checkout, status changes and the reads. order_create() and
// order_set_status() (sql/0002_orders_gift_cards.sql) lock, check, write and emit in the caller's
// transaction; refusals arrive as problems raised by the SQL.

/** The most open orders the board shows at once. */
const BOARD_LIMIT = 300;

/** An id that is not a uuid names no order: 404, as for an order that does not exist. */
function orderId(id: string): string {
  if (!Id.safeParse(id).success) throw notFound('Order');
  return id;
}

/**
 * Checkout: the order, points redemption, gift card payment and points earned, all or nothing.
 * `inTransaction` is the door's transaction (the API's idempotent(), which stores the response with the
 * work, or a plain sql.begin): it is handed `place`, the one SQL call. Paying with a gift card counts as
 * a code lookup, so that whole transaction runs under the caller's gift card guessing throttle, which
 * records a miss on the pool after the 404 has rolled the checkout back.
 */
export async function createOrder<R>(
  sql: Sql, caller: Caller, input: OrderRequest, inTransaction: (place: (tx: Tx) => Promise<Order>) => Promise<R>,
): Promise<R> {
  authorize(caller, 'orders.create');
  // Both spellings are settled before any lock is taken: a bad phone or code is a 400 that costs nothing.
  const phone = input.customer ? normalizePhone(input.customer.phone, caller.defaultCountry) : null;
  const code = input.giftCard ? giftCardCode(input.giftCard.code, 'giftCard.code') : null;
  const place = (tx: Tx) => atLocation(tx, caller, input.locationId, async () => {
    const [{ order }] = await tx`select order_create(${caller.tenantId}, ${tx.json(input)}, ${phone}, ${code}, ${caller.actor}) as order`;
    return order as Order;
  });
  const checkout = () => inTransaction(place);
  return code ? withGiftCardThrottle(sql, caller, checkout) : checkout();
}

/** pending → preparing → ready → completed; pending|preparing → cancelled (which reverses the checkout). */
export async function setOrderStatus(db: Db, caller: Caller, id: string, input: OrderStatusRequest): Promise<Order> {
  authorize(caller, 'orders.setStatus');
  // A status change happens where the order is: the kitchen of its site sees it, and a caller bound to
  // another site may not move it (403 location_mismatch).
  const [placed] = await db`select location_id from orders where tenant_id = ${caller.tenantId} and id = ${orderId(id)}`;
  return atLocation(db, caller, placed?.location_id ?? undefined, async (tx) => {
    const [{ order }] = await tx`select order_set_status(${caller.tenantId}, ${id}, ${input.status}, ${caller.actor}) as order`;
    return order as Order;
  });
}

/**
 * Orders newest first, keyset by the tenant's order sequence; a bound caller's list holds its own site's
 * only. The history's search and date range are ./historyFilter.ts.
 */
export async function listOrders(db: Db, caller: Caller, query: OrderListQuery): Promise<OrderPage> {
  authorize(caller, 'orders.read');
  const { status, since, limit } = query;
  const after = decodeCursor(query.cursor);
  const site = readScope(caller, 'orders.read');
  const range = await orderRange(db, caller, query.from, query.to);
  const rows = await db`
    select order_json(o) as order, o.seq from orders o
    where o.tenant_id = ${caller.tenantId}
      ${site ? db`and o.location_id = ${site}` : db``}
      ${status ? db`and o.status = ${status}` : db``}
      ${since ? db`and o.created_at >= ${since}` : db``}
      ${query.q ? orderMatches(db, caller, query.q) : db``} ${range.where}
      ${after !== null ? db`and o.seq < ${after}` : db``}
    order by o.seq desc limit ${limit + 1}`;
  return keysetPage(rows, limit, (r) => r.order as Order);
}

export async function getOrder(db: Db, caller: Caller, id: string): Promise<Order> {
  authorize(caller, 'orders.read');
  const [row] = await db`select order_json(o) as order from orders o where tenant_id = ${caller.tenantId} and id = ${orderId(id)}`;
  if (!row) throw notFound('Order');
  return row.order as Order;
}

/** An order's status changes, oldest first, with who made each. */
export async function orderHistory(db: Db, caller: Caller, id: string): Promise<OrderHistory> {
  authorize(caller, 'orders.read');
  const [owner] = await db`select 1 from orders where id = ${orderId(id)} and tenant_id = ${caller.tenantId}`;
  if (!owner) throw notFound('Order');
  const rows = await db`select from_status, to_status, actor, iso(created_at) as created_at
    from order_status_history where order_id = ${id} order by id`;
  return {
    data: rows.map((r) => ({
      fromStatus: r.from_status as OrderStatus | null, toStatus: r.to_status as OrderStatus, actor: r.actor as string | null,
      createdAt: r.created_at as string,
    })),
  };
}

/**
 * What the kitchen board shows: every order not yet completed or cancelled, newest first; a caller bound
 * to a site (a kitchen's key, a limited manager) sees only that site's.
 */
export async function openOrders(db: Db, caller: Caller): Promise<Order[]> {
  authorize(caller, 'orders.read');
  const site = readScope(caller, 'orders.read');
  const rows = await db`select order_json(o) as order from orders o
    where o.tenant_id = ${caller.tenantId} and o.status in ('pending', 'preparing', 'ready')
      ${site ? db`and o.location_id = ${site}` : db``}
    order by o.seq desc limit ${BOARD_LIMIT}`;
  return rows.map((r) => r.order as Order);
}
