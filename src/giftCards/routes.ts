import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { giftCardActivity, giftCardByCode, issueGiftCard, redeemGiftCard, voidGiftCard } from './giftCards.ts';
import {
  GiftCard, GiftCardActivityList, GiftCardCodeInput, GiftCardIssue, GiftCardRedeem, GiftCardRedemption, GiftCardVoid,
} from './schemas.ts';

const tags = ['Gift cards'];
const CodeParam = z.object({ code: GiftCardCodeInput.openapi({ param: { name: 'code', in: 'path' } }) });

const issue = createRoute({
  method: 'post', path: '/gift-cards', tags, security, summary: 'Sell or issue a gift card (the only response that shows a new code)',
  request: { headers: IdempotencyHeader, body: jsonBody(GiftCardIssue) },
  responses: { 201: json(GiftCard, 'Issued'), ...problems(400, 401, 403, 409, 413, 415, 422) },
});
const get = createRoute({
  method: 'get', path: '/gift-cards/{code}', tags, security, summary: 'Check a balance',
  request: { params: CodeParam },
  responses: { 200: json(GiftCard, 'The card'), ...problems(400, 401, 403, 404, 429) },
});
const activity = createRoute({
  method: 'get', path: '/gift-cards/{code}/activity', tags, security, summary: "A card's activity, oldest first (the balance is their sum)",
  request: { params: CodeParam },
  responses: { 200: json(GiftCardActivityList, 'Activity'), ...problems(400, 401, 403, 404, 429) },
});
const redeem = createRoute({
  method: 'post', path: '/gift-cards/{code}/redeem', tags, security,
  summary: 'Spend from a card (refused: 409 insufficient_funds, gift_card_void, gift_card_expired)',
  request: { params: CodeParam, headers: IdempotencyHeader, body: jsonBody(GiftCardRedeem) },
  responses: {
    200: json(GiftCardRedemption, 'The activity row and the card after it'),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});
const voidCard = createRoute({
  method: 'post', path: '/gift-cards/{code}/void', tags, security,
  summary: 'Void a card: it can no longer be spent and its remaining balance is written off (a second void: 409 gift_card_void)',
  request: { params: CodeParam, headers: IdempotencyHeader, body: jsonBody(GiftCardVoid) },
  responses: { 200: json(GiftCard, 'The card after voiding'), ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export function giftCardRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(issue, async (c) => {
      const body = c.req.valid('json');
      return idempotent(c, deps, body, async (tx) => ({ status: 201, body: await issueGiftCard(tx, c.get('caller'), body) }));
    })
    .openapi(get, async (c) => c.json(await giftCardByCode(sql, c.get('caller'), c.req.valid('param').code), 200))
    .openapi(activity, async (c) =>
      c.json({ data: await giftCardActivity(sql, c.get('caller'), c.req.valid('param').code) }, 200))
    .openapi(redeem, async (c) => {
      const body = c.req.valid('json');
      return redeemGiftCard(sql, c.get('caller'), c.req.valid('param').code, body,
        (spend) => idempotent(c, deps, body, async (tx) => ({ status: 200, body: await spend(tx) })));
    })
    .openapi(voidCard, async (c) => {
      const body = c.req.valid('json');
      return voidGiftCard(sql, c.get('caller'), c.req.valid('param').code, body,
        (write) => idempotent(c, deps, body, async (tx) => ({ status: 200, body: await write(tx) })));
    });
}
