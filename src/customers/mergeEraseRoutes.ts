import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { eraseCustomer, mergeCustomers } from './mergeErase.ts';
import { Customer, MergeCustomers } from './schemas.ts';

const tags = ['Customers'];

const merge = createRoute({
  method: 'post', path: '/customers/{id}/merge', tags, security,
  summary: 'Fold a duplicate into this customer: points, orders and the old phone move here',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(MergeCustomers) },
  responses: { 200: json(Customer, 'The survivor, after the merge'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

const erase = createRoute({
  method: 'post', path: '/customers/{id}/erase', tags, security,
  summary: "Erase a customer's personal data (right to be forgotten); the balance is written off",
  request: { params: IdParam, headers: IdempotencyHeader },
  responses: { 200: json(Customer, 'The erased customer: no name, phone or email'), ...problems(400, 401, 403, 404, 409, 422) },
});

export function mergeEraseRoutes(deps: Deps) {
  return newRouter()
    .openapi(merge, async (c) => {
      const body = c.req.valid('json');
      const id = c.req.valid('param').id;
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await mergeCustomers(tx, c.get('caller'), id, body) }));
    })
    .openapi(erase, async (c) => {
      const id = c.req.valid('param').id;
      return idempotent(c, deps, null, async (tx) => ({ status: 200, body: await eraseCustomer(tx, c.get('caller'), id) }));
    });
}
