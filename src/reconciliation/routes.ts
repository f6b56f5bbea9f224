import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { LedgerRow } from '../customers/schemas.ts';
import { Id, Reason } from '../platform/fields.ts';
import { Cursor, decodeCursor, encodeCursor, Limit, page } from '../platform/pagination.ts';

const tags = ['Reconciliation'];
const IdParam = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) });

export const ReconciliationItem = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ description: '`clawback_shortfall` (points owed after a cancellation) or `gift_card_refund_on_void_card`' }),
    customerId: z.string().nullable(),
    orderId: z.string().nullable(),
    giftCardId: z.string().nullable(),
    points: z.number().int(),
    amountCents: z.number().int(),
    detail: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolutionNote: z.string().nullable(),
    resolutionTransactionId: z.string().nullable().openapi({ description: 'The correcting ledger row, when points were given' }),
  })
  .openapi('ReconciliationItem');

const ResolveBody = z
  .object({
    note: Reason,
    points: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'must not be zero').optional()
      .openapi({ description: "Signed points for a correcting `adjust` ledger row on the item's customer (never an edit)" }),
  })
  .strict()
  .openapi('ReconciliationResolve');

const list = createRoute({
  method: 'get', path: '/reconciliation', tags, security, summary: 'Items needing a person: open ones by default, newest first',
  request: { query: z.object({ status: z.enum(['open', 'resolved', 'all']).default('open'), limit: Limit, cursor: Cursor }) },
  responses: { 200: json(page(ReconciliationItem, 'ReconciliationPage'), 'A page of items'), ...problems(400, 401) },
});
const resolve = createRoute({
  method: 'post', path: '/reconciliation/{id}/resolve', tags, security, summary: 'Resolve an item with a note, optionally adding a correcting points row',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(ResolveBody) },
  responses: {
    200: json(ReconciliationItem.extend({ transaction: LedgerRow.nullable() }).openapi('ReconciliationResolved'), 'The resolved item'),
    ...problems(400, 401, 404, 409, 413, 422),
  },
});

export function reconciliationRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(list, async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor);
      const rows = await sql`
        select reconciliation_json(r) as item, r.seq from reconciliation_queue r
        where r.tenant_id = ${c.get('caller').tenantId}
          ${status === 'open' ? sql`and r.resolved_at is null` : status === 'resolved' ? sql`and r.resolved_at is not null` : sql``}
          ${after !== null ? sql`and r.seq < ${after}` : sql``}
        order by r.seq desc limit ${limit + 1}`;
      const more = rows.length > limit;
      const data = rows.slice(0, limit);
      return c.json({ data: data.map((r) => r.item), nextCursor: more ? encodeCursor(data.at(-1)!.seq) : null }, 200);
    })
    .openapi(resolve, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ r }] = await tx`select reconciliation_resolve(${tenantId}, ${id}, ${body.note}, ${body.points ?? null}, ${actor}) as r`;
        return { status: 200, body: r };
      }) as never;
    });
}
