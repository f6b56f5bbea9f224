import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { createOrder, getOrder, listOrders, orderHistory, setOrderStatus } from './orders.ts';
import { orderDetail } from './orderDetail.ts';
import { Order, OrderDetail, OrderHistory, OrderListQuery, OrderPage, OrderRequest, OrderStatusRequest } from './schemas.ts';

const tags = ['Orders'];

const create = createRoute({
  method: 'post', path: '/orders', tags, security,
  summary: 'Checkout: the order, points redemption, gift card payment and points earned, all or nothing',
  request: { headers: IdempotencyHeader, body: jsonBody(OrderRequest) },
  responses: {
    201: json(Order, 'Placed'),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
const list = createRoute({
  method: 'get', path: '/orders', tags, security, summary: 'List orders, newest first',
  request: { query: OrderListQuery },
  responses: { 200: json(OrderPage, 'A page of orders'), ...problems(400, 401, 403) },
});
const get = createRoute({
  method: 'get', path: '/orders/{id}', tags, security, summary: 'Get an order',
  request: { params: IdParam },
  responses: { 200: json(Order, 'The order'), ...problems(400, 401, 403, 404) },
});
const history = createRoute({
  method: 'get', path: '/orders/{id}/history', tags, security, summary: "An order's status changes, oldest first, with who made each",
  request: { params: IdParam },
  responses: { 200: json(OrderHistory, 'Status changes'), ...problems(400, 401, 403, 404) },
});
const detail = createRoute({
  method: 'get', path: '/orders/{id}/detail', tags, security,
  summary: 'An order with its status changes (and who made each), its points ledger rows and its gift card movements',
  request: { params: IdParam },
  responses: { 200: json(OrderDetail, 'The order and everything it moved'), ...problems(400, 401, 403, 404) },
});
const setStatus = createRoute({
  method: 'post', path: '/orders/{id}/status', tags, security,
  summary: 'Move an order on: pending → preparing → ready → completed; pending|preparing → cancelled (reverses the checkout)',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(OrderStatusRequest) },
  responses: {
    200: json(Order, 'The order after the change'),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export function orderRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      return createOrder(sql, c.get('caller'), body, (place) =>
        idempotent(c, deps, body, async (tx) => ({ status: 201, body: await place(tx) })));
    })
    .openapi(list, async (c) => c.json(await listOrders(sql, c.get('caller'), c.req.valid('query')), 200))
    .openapi(get, async (c) => c.json(await getOrder(sql, c.get('caller'), c.req.valid('param').id), 200))
    .openapi(history, async (c) => c.json(await orderHistory(sql, c.get('caller'), c.req.valid('param').id), 200))
    .openapi(detail, async (c) => c.json(await orderDetail(sql, c.get('caller'), c.req.valid('param').id), 200))
    .openapi(setStatus, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await setOrderStatus(tx, c.get('caller'), id, body) }));
    });
}
