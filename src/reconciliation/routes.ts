import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { listItems, resolveItem } from './reconciliation.ts';
import { ReconciliationListQuery, ReconciliationPage, ReconciliationResolve, ResolvedItem } from './schemas.ts';

const tags = ['Reconciliation'];

const list = createRoute({
  method: 'get', path: '/reconciliation', tags, security, summary: 'Items needing a person: open ones by default, newest first',
  request: { query: ReconciliationListQuery },
  responses: { 200: json(ReconciliationPage, 'A page of items'), ...problems(400, 401, 403) },
});
const resolve = createRoute({
  method: 'post', path: '/reconciliation/{id}/resolve', tags, security, summary: 'Resolve an item with a note, optionally adding a correcting points row',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(ReconciliationResolve) },
  responses: {
    200: json(ResolvedItem, 'The resolved item'),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export function reconciliationRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(list, async (c) => c.json(await listItems(sql, c.get('caller'), c.req.valid('query')), 200))
    .openapi(resolve, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await resolveItem(tx, c.get('caller'), id, body) }));
    });
}
