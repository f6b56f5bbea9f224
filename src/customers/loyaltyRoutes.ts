import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent, idempotentOne } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { addPoints, adjustPoints, earnPoints, redeemPoints } from './points.ts';
import { EarnRequest, EarnResult, PointsAdjustment, PointsChange, PointsResult } from './schemas.ts';

const tags = ['Loyalty'];
const after = 'The ledger row and the customer after it';
// 409 is a business refusal (insufficient_points) or idempotency_key_in_use; 422 idempotency_key_reused.
const POST_PROBLEMS = [400, 401, 403, 409, 413, 415, 422];

const add = createRoute({
  method: 'post', path: '/customers/{id}/points/add', tags, security, summary: 'Add points',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(PointsChange) },
  responses: { 200: json(PointsResult, after), ...problems(...POST_PROBLEMS, 404) },
});
const redeem = createRoute({
  method: 'post', path: '/customers/{id}/points/redeem', tags, security, summary: 'Redeem points (refused with 409 insufficient_points)',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(PointsChange) },
  responses: { 200: json(PointsResult, after), ...problems(...POST_PROBLEMS, 404) },
});
const adjust = createRoute({
  method: 'post', path: '/customers/{id}/points/adjust', tags, security, summary: 'Correct a balance with a signed adjustment',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(PointsAdjustment) },
  responses: { 200: json(PointsResult, after), ...problems(...POST_PROBLEMS, 404) },
});
const earn = createRoute({
  method: 'post', path: '/loyalty/earn', tags, security,
  summary: "Earn points on an order total under the tenant's rule; enrols an unknown phone",
  request: { headers: IdempotencyHeader, body: jsonBody(EarnRequest) },
  responses: { 200: json(EarnResult, 'Points earned (possibly zero)'), ...problems(...POST_PROBLEMS) },
});

export function loyaltyRoutes(deps: Deps) {
  return newRouter()
    .openapi(add, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotentOne(c, deps, body, async (db) => ({ status: 200, body: await addPoints(db, c.get('caller'), id, body) }));
    })
    .openapi(redeem, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotentOne(c, deps, body, async (db) => ({ status: 200, body: await redeemPoints(db, c.get('caller'), id, body) }));
    })
    .openapi(adjust, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotentOne(c, deps, body, async (db) => ({ status: 200, body: await adjustPoints(db, c.get('caller'), id, body) }));
    })
    .openapi(earn, async (c) => {
      const body = c.req.valid('json');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await earnPoints(tx, c.get('caller'), body) }));
    });
}
