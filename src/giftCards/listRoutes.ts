import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { listGiftCards } from './list.ts';
import { GiftCardListQuery, GiftCardPage } from './listSchemas.ts';

const list = createRoute({
  method: 'get', path: '/gift-cards', tags: ['Gift cards'], security,
  summary: 'Gift cards, newest first, codes masked: search purchaser, recipient or the code\'s visible end; filter by status',
  request: { query: GiftCardListQuery },
  responses: { 200: json(GiftCardPage, 'A page of cards'), ...problems(400, 401, 403) },
});

export function giftCardListRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter().openapi(list, async (c) => c.json(await listGiftCards(sql, c.get('caller'), c.req.valid('query')), 200));
}
