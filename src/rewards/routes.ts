import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { createReward, customerRewards, listRewards, redeemReward, updateReward } from './rewards.ts';
import { CustomerRewards, Reward, RewardCreate, RewardList, RewardPatch, RewardPathParams, RewardRedeemRequest, RewardRedemption } from './schemas.ts';

const tags = ['Rewards'];

const list = createRoute({
  method: 'get', path: '/rewards', tags, security, summary: 'The rewards menu, cheapest first (inactive ones included)',
  responses: { 200: json(RewardList, 'Every reward'), ...problems(401, 403) },
});
const create = createRoute({
  method: 'post', path: '/rewards', tags, security, summary: 'Add a reward (owners): a points cost and a discount or a free item',
  request: { headers: IdempotencyHeader, body: jsonBody(RewardCreate) },
  responses: { 201: json(Reward, 'Created'), ...problems(400, 401, 403, 409, 413, 415, 422) },
});
const patch = createRoute({
  method: 'patch', path: '/rewards/{id}', tags, security,
  summary: 'Rename, reprice or (de)activate a reward (owners); naming the other kind switches it',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(RewardPatch) },
  responses: { 200: json(Reward, 'The reward after the change'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});
const redeem = createRoute({
  method: 'post', path: '/customers/{id}/rewards/{rewardId}/redeem', tags, security,
  summary: "Redeem a reward: spends its cost (409 insufficient_points; 409 reward_inactive)",
  request: { params: RewardPathParams, headers: IdempotencyHeader, body: jsonBody(RewardRedeemRequest) },
  responses: { 200: json(RewardRedemption, 'The redeem ledger row (naming the reward), the customer after it, the reward'),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

const forCustomer = createRoute({
  method: 'get', path: '/customers/{id}/rewards', tags, security, summary: "What a customer's balance buys now, and the next reward it saves towards",
  request: { params: IdParam },
  responses: { 200: json(CustomerRewards, 'Affordable rewards and progress to the next'), ...problems(400, 401, 403, 404) },
});

export function rewardRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(list, async (c) => c.json({ data: await listRewards(sql, c.get('caller')) }, 200))
    .openapi(forCustomer, async (c) => c.json(await customerRewards(sql, c.get('caller'), c.req.valid('param').id), 200))
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      return idempotent(c, deps, body, async (tx) => ({ status: 201, body: await createReward(tx, c.get('caller'), body) }));
    })
    .openapi(patch, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await updateReward(tx, c.get('caller'), id, body) }));
    })
    .openapi(redeem, async (c) => {
      const body = c.req.valid('json');
      const { id, rewardId } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await redeemReward(tx, c.get('caller'), id, rewardId, body) }));
    });
}
