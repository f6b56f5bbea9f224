import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { giftCardLiability } from './liability.ts';
import { GiftCardLiability, LiabilityQuery } from './liabilitySchemas.ts';

const liability = createRoute({
  method: 'get', path: '/reports/gift-cards', tags: ['Reports'], security,
  summary: 'Gift card liability: the balance owed on live cards as of the end of `to`, and sold, redeemed, expired ' +
    '(breakage) and voided from `from` to `to`, for the whole group (a caller bound to one location: 403)',
  request: { query: LiabilityQuery },
  responses: { 200: json(GiftCardLiability, 'The liability'), ...problems(400, 401, 403) },
});

export function liabilityRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter().openapi(liability, async (c) => c.json(await giftCardLiability(sql, c.get('caller'), c.req.valid('query')), 200));
}
