import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { normalizePhone } from './phone.ts';
import { Customer, LedgerRow, Points, PointsResult } from './schemas.ts';
import { Id, Name, OrderRef, Phone, Reason } from '../platform/fields.ts';

const tags = ['Loyalty'];
const IdParam = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) });

const PointsBody = z.object({ points: Points, reason: Reason.optional(), orderId: OrderRef.optional() }).strict().openapi('PointsChange');
const AdjustBody = z
  .object({
    points: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'must not be zero')
      .openapi({ description: 'Signed; the balance never goes below zero' }),
    reason: Reason,
  })
  .strict()
  .openapi('PointsAdjustment');
const EarnBody = z
  .object({
    phone: Phone,
    orderTotalCents: z.number().int().min(0).max(100_000_000),
    orderId: OrderRef.optional(),
    name: Name.optional(),
  })
  .strict()
  .openapi('EarnRequest');
const EarnResult = z
  .object({
    transaction: LedgerRow.nullable(),
    customer: Customer,
    pointsEarned: z.number().int(),
    enrolled: z.boolean().openapi({ description: 'True when this call enrolled the phone' }),
  })
  .openapi('EarnResult');

const pointsRoute = (action: 'add' | 'redeem', summary: string, refusals: number[]) =>
  createRoute({
    method: 'post', path: `/customers/{id}/points/${action}`, tags, security, summary,
    request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(PointsBody) },
    responses: { 200: json(PointsResult, 'The ledger row and the customer after it'), ...problems(400, 401, 404, 413, 422, ...refusals) },
  });

const add = pointsRoute('add', 'Add points', []);
const redeem = pointsRoute('redeem', 'Redeem points (refused with 409 insufficient_points)', [409]);
const adjust = createRoute({
  method: 'post', path: '/customers/{id}/points/adjust', tags, security, summary: 'Correct a balance with a signed adjustment',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(AdjustBody) },
  responses: { 200: json(PointsResult, 'The ledger row and the customer after it'), ...problems(400, 401, 404, 409, 413, 422) },
});
const earn = createRoute({
  method: 'post', path: '/loyalty/earn', tags, security,
  summary: "Earn points on an order total under the tenant's rule; enrols an unknown phone",
  request: { headers: IdempotencyHeader, body: jsonBody(EarnBody) },
  responses: { 200: json(EarnResult, 'Points earned (possibly zero)'), ...problems(400, 401, 413, 422) },
});

export function loyaltyRoutes(deps: Deps) {
  return newRouter()
    .openapi(add, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ r }] = await tx`select points_add(${tenantId}, ${id}, ${body.points}, ${body.reason ?? null},
          ${body.orderId ?? null}, ${actor}) as r`;
        return { status: 200, body: r };
      }) as never;
    })
    .openapi(redeem, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ r }] = await tx`select points_redeem(${tenantId}, ${id}, ${body.points}, ${body.reason ?? null},
          ${body.orderId ?? null}, ${actor}) as r`;
        return { status: 200, body: r };
      }) as never;
    })
    .openapi(adjust, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ r }] = await tx`select points_adjust(${tenantId}, ${id}, ${body.points}, ${body.reason}, ${actor}) as r`;
        return { status: 200, body: r };
      }) as never;
    })
    .openapi(earn, async (c) => {
      const body = c.req.valid('json');
      const caller = c.get('caller');
      const phone = normalizePhone(body.phone, caller.defaultCountry);
      return idempotent(c, deps, body, async (tx) => {
        const [{ r }] = await tx`select loyalty_earn(${caller.tenantId}, ${phone}, ${body.orderTotalCents},
          ${body.orderId ?? null}, ${body.name ?? null}, ${caller.actor}) as r`;
        return { status: 200, body: r };
      }) as never;
    });
}
