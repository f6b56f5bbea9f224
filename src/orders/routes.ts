import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { GiftCardCodeInput } from '../giftCards/schemas.ts';
import { withGiftCardThrottle } from '../giftCards/throttle.ts';
import { normalizeGiftCardCode } from '../giftCards/code.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { OrderItem } from './events.ts';
import { normalizePhone } from '../customers/phone.ts';
import { Email, Id, Name, Phone } from '../platform/fields.ts';
import { Cursor, decodeCursor, encodeCursor, Limit, page } from '../platform/pagination.ts';

const tags = ['Orders'];
const IdParam = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) });

const Source = z.enum(['online', 'pos']);
const OrderType = z.enum(['delivery', 'collection', 'dine_in']);
const Status = z.enum(['pending', 'preparing', 'ready', 'completed', 'cancelled']);

const OrderRequest = z
  .object({
    source: Source,
    orderType: OrderType,
    customer: z.object({ phone: Phone, name: Name.optional(), email: Email.optional() }).strict().optional()
      .openapi({ description: 'Found by phone (any common spelling); enrolled when new' }),
    items: z.array(z.object({
      name: z.string().trim().min(1).max(200),
      quantity: z.number().int().min(1).max(1000),
      unitPriceCents: z.number().int().min(0).max(10_000_000),
    }).strict()).min(1).max(100),
    specialInstructions: z.string().max(1000).optional(),
    redeemPoints: z.number().int().min(0).max(1_000_000).optional()
      .openapi({ description: "Points to spend as a discount at the tenant's point value; needs a customer; the discount may not exceed the subtotal" }),
    giftCard: z.object({ code: GiftCardCodeInput, amountCents: z.number().int().min(1).max(100_000_000) }).strict().optional()
      .openapi({ description: 'Pay part of the order with a gift card; may not exceed what is left after the points discount' }),
  })
  .strict()
  .refine((b) => !b.redeemPoints || b.customer, { path: ['redeemPoints'], message: 'redeeming points needs a customer' })
  .openapi('OrderRequest');

export const Order = z
  .object({
    id: z.string(),
    orderNumber: z.string().openapi({ example: 'ORD-1001' }),
    source: Source,
    orderType: OrderType,
    status: Status,
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    customerPhone: z.string().nullable(),
    items: z.array(OrderItem),
    subtotalCents: z.number().int(),
    pointsDiscountCents: z.number().int(),
    giftCardCents: z.number().int(),
    totalCents: z.number().int().openapi({ description: 'Still to pay: subtotal - points discount - gift card' }),
    pointsRedeemed: z.number().int(),
    pointsEarned: z.number().int().openapi({ description: 'Earned on subtotal - points discount (gift card spend counts as paid)' }),
    specialInstructions: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Order');

const StatusChange = z.object({
  fromStatus: Status.nullable(),
  toStatus: Status,
  actor: z.string().nullable().openapi({ description: '`key:<id>` or `admin:<id>`' }),
  createdAt: z.string(),
}).openapi('OrderStatusChange');

const create = createRoute({
  method: 'post', path: '/orders', tags, security,
  summary: 'Checkout: the order, points redemption, gift card payment and points earned, all or nothing',
  request: { headers: IdempotencyHeader, body: jsonBody(OrderRequest) },
  responses: {
    201: json(Order, 'Placed'),
    ...problems(400, 401, 404, 409, 413, 422, 429),
  },
});
const list = createRoute({
  method: 'get', path: '/orders', tags, security, summary: 'List orders, newest first',
  request: {
    query: z.object({
      status: Status.optional(),
      since: z.string().datetime({ offset: true }).optional().openapi({ description: 'Only orders created at or after this instant' }),
      limit: Limit, cursor: Cursor,
    }),
  },
  responses: { 200: json(page(Order, 'OrderPage'), 'A page of orders'), ...problems(400, 401) },
});
const get = createRoute({
  method: 'get', path: '/orders/{id}', tags, security, summary: 'Get an order',
  request: { params: IdParam },
  responses: { 200: json(Order, 'The order'), ...problems(400, 401, 404) },
});
const history = createRoute({
  method: 'get', path: '/orders/{id}/history', tags, security, summary: "An order's status changes, oldest first, with who made each",
  request: { params: IdParam },
  responses: { 200: json(z.object({ data: z.array(StatusChange) }).openapi('OrderHistory'), 'Status changes'), ...problems(400, 401, 404) },
});
const setStatus = createRoute({
  method: 'post', path: '/orders/{id}/status', tags, security,
  summary: 'Move an order on: pending → preparing → ready → completed; pending|preparing → cancelled (reverses the checkout)',
  request: {
    params: IdParam, headers: IdempotencyHeader,
    body: jsonBody(z.object({ status: Status }).strict().openapi('OrderStatusRequest')),
  },
  responses: {
    200: json(Order, 'The order after the change'),
    ...problems(400, 401, 404, 409, 413, 422),
  },
});

export function orderRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const caller = c.get('caller');
      const phone = body.customer ? normalizePhone(body.customer.phone, caller.defaultCountry) : null;
      const code = body.giftCard ? normalizeGiftCardCode(body.giftCard.code) : null;
      if (body.giftCard && !code) {
        throw new ApiError(400, 'validation_failed', 'giftCard.code: not a gift card code (GC-XXXX-XXXX-XXXX-XXXX).',
          { errors: [{ path: 'giftCard.code', message: 'not a gift card code' }] });
      }
      const checkout = () => idempotent(c, deps, body, async (tx) => {
        const [{ order }] = await tx`select order_create(${caller.tenantId}, ${tx.json(body)}, ${phone}, ${code},
          ${caller.actor}) as order`;
        return { status: 201, body: order };
      });
      return (code ? withGiftCardThrottle(deps.sql, caller, checkout) : checkout()) as never;
    })
    .openapi(list, async (c) => {
      const { status, since, limit, cursor } = c.req.valid('query');
      const { tenantId } = c.get('caller');
      const after = decodeCursor(cursor);
      const rows = await sql`
        select order_json(o) as order, o.seq from orders o
        where o.tenant_id = ${tenantId}
          ${status ? sql`and o.status = ${status}` : sql``}
          ${since ? sql`and o.created_at >= ${since}` : sql``}
          ${after !== null ? sql`and o.seq < ${after}` : sql``}
        order by o.seq desc limit ${limit + 1}`;
      const more = rows.length > limit;
      const data = rows.slice(0, limit);
      return c.json({ data: data.map((r) => r.order), nextCursor: more ? encodeCursor(data.at(-1)!.seq) : null }, 200);
    })
    .openapi(get, async (c) => {
      const [row] = await sql`select order_json(o) as order from orders o
        where tenant_id = ${c.get('caller').tenantId} and id = ${c.req.valid('param').id}`;
      if (!row) throw notFound('Order');
      return c.json(row.order, 200);
    })
    .openapi(history, async (c) => {
      const { tenantId } = c.get('caller');
      const { id } = c.req.valid('param');
      const [owner] = await sql`select 1 from orders where id = ${id} and tenant_id = ${tenantId}`;
      if (!owner) throw notFound('Order');
      const rows = await sql`select from_status, to_status, actor, iso(created_at) as created_at
        from order_status_history where order_id = ${id} order by id`;
      return c.json({
        data: rows.map((r) => ({ fromStatus: r.from_status, toStatus: r.to_status, actor: r.actor, createdAt: r.created_at })),
      }, 200);
    })
    .openapi(setStatus, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ order }] = await tx`select order_set_status(${tenantId}, ${id}, ${body.status}, ${actor}) as order`;
        return { status: 200, body: order };
      }) as never;
    });
}
