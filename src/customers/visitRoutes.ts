import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { LedgerQuery } from './schemas.ts';
import { CustomerGiftCards, CustomerOrderPage, customerGiftCards, customerOrders } from './visits.ts';

// A customer's visit history over the API: the same reads as the admin customer page (./visits.ts).

const tags = ['Customers'];

const orders = createRoute({
  method: 'get', path: '/customers/{id}/orders', tags, security,
  summary: "A customer's orders, newest first (a caller bound to a site sees that site's only)",
  request: { params: IdParam, query: LedgerQuery },
  responses: { 200: json(CustomerOrderPage, 'A page of orders'), ...problems(400, 401, 403, 404) },
});

const giftCards = createRoute({
  method: 'get', path: '/customers/{id}/gift-cards', tags, security,
  summary: 'The gift cards a customer bought (purchasedBy is their phone, email or name), newest first',
  request: { params: IdParam },
  responses: { 200: json(CustomerGiftCards, 'Gift cards'), ...problems(400, 401, 403, 404) },
});

export function customerVisitRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(orders, async (c) =>
      c.json(await customerOrders(sql, c.get('caller'), c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(giftCards, async (c) => c.json(await customerGiftCards(sql, c.get('caller'), c.req.valid('param').id), 200));
}
