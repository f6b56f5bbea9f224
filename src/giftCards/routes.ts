import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { ApiError } from '../platform/errors.ts';
import { generateGiftCardCode, normalizeGiftCardCode } from './code.ts';
import { giftCardNotFound, withGiftCardThrottle } from './throttle.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { Email, Name, OrderRef, Reason } from '../platform/fields.ts';
import { GiftCardCodeInput } from './schemas.ts';

const tags = ['Gift cards'];
const CodeParam = z.object({ code: GiftCardCodeInput.openapi({ param: { name: 'code', in: 'path' } }) });

export const GiftCard = z
  .object({
    id: z.string(),
    code: z.string().openapi({ example: 'GC-7K3M-Q9XD-2HRT-W4BN' }),
    status: z.enum(['active', 'void', 'expired']),
    initialCents: z.number().int(),
    balanceCents: z.number().int(),
    purchasedBy: z.string(),
    recipientName: z.string().nullable(),
    recipientEmail: z.string().nullable(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('GiftCard');

const GiftCardActivity = z
  .object({
    id: z.string(),
    giftCardId: z.string(),
    type: z.enum(['issue', 'redeem', 'refund', 'void']),
    amountCents: z.number().int().openapi({ description: 'Signed: negative for spends and write-offs' }),
    balanceBefore: z.number().int(),
    balanceAfter: z.number().int(),
    orderId: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('GiftCardActivity');

const IssueBody = z
  .object({
    amountCents: z.number().int().min(1).max(10_000_000),
    purchasedBy: Name,
    recipientName: Name.optional(),
    recipientEmail: Email.optional(),
    expiresAt: z.string().datetime({ offset: true }).optional().openapi({ description: 'Must be in the future; omitted means never' }),
  })
  .strict()
  .openapi('GiftCardRequest');
const RedeemBody = z.object({ amountCents: z.number().int().min(1).max(10_000_000), orderId: OrderRef.optional() })
  .strict().openapi('GiftCardRedeem');
const VoidBody = z.object({ reason: Reason.optional() }).strict().openapi('GiftCardVoid');

const issue = createRoute({
  method: 'post', path: '/gift-cards', tags, security, summary: 'Sell or issue a gift card (the only response that shows a new code)',
  request: { headers: IdempotencyHeader, body: jsonBody(IssueBody) },
  responses: { 201: json(GiftCard, 'Issued'), ...problems(400, 401, 413, 422) },
});
const get = createRoute({
  method: 'get', path: '/gift-cards/{code}', tags, security, summary: 'Check a balance',
  request: { params: CodeParam },
  responses: { 200: json(GiftCard, 'The card'), ...problems(400, 401, 404, 429) },
});
const activity = createRoute({
  method: 'get', path: '/gift-cards/{code}/activity', tags, security, summary: "A card's activity, oldest first (the balance is their sum)",
  request: { params: CodeParam },
  responses: { 200: json(z.object({ data: z.array(GiftCardActivity) }).openapi('GiftCardActivityList'), 'Activity'), ...problems(400, 401, 404, 429) },
});
const redeem = createRoute({
  method: 'post', path: '/gift-cards/{code}/redeem', tags, security,
  summary: 'Spend from a card (refused: 409 insufficient_funds, gift_card_void, gift_card_expired)',
  request: { params: CodeParam, headers: IdempotencyHeader, body: jsonBody(RedeemBody) },
  responses: {
    200: json(z.object({ transaction: GiftCardActivity, giftCard: GiftCard }).openapi('GiftCardRedeemResult'), 'The activity row and the card after it'),
    ...problems(400, 401, 404, 409, 413, 422, 429),
  },
});
const voidCard = createRoute({
  method: 'post', path: '/gift-cards/{code}/void', tags, security,
  summary: 'Void a card: it can no longer be spent and its remaining balance is written off',
  request: { params: CodeParam, headers: IdempotencyHeader, body: jsonBody(VoidBody) },
  responses: { 200: json(GiftCard, 'The card after voiding'), ...problems(400, 401, 404, 409, 413, 422, 429) },
});

function codeFrom(raw: string): string {
  const code = normalizeGiftCardCode(raw);
  if (!code) {
    throw new ApiError(400, 'validation_failed', 'code: not a gift card code (GC-XXXX-XXXX-XXXX-XXXX).',
      { errors: [{ path: 'code', message: 'not a gift card code' }] });
  }
  return code;
}

export function giftCardRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(issue, async (c) => {
      const body = c.req.valid('json');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ card }] = await tx`select gift_card_issue(${tenantId}, ${generateGiftCardCode()}, ${body.amountCents},
          ${body.purchasedBy}, ${body.recipientName ?? null}, ${body.recipientEmail ?? null}, ${body.expiresAt ?? null},
          ${actor}) as card`;
        return { status: 201, body: card };
      }) as never;
    })
    .openapi(get, async (c) => {
      const code = codeFrom(c.req.valid('param').code);
      const { tenantId } = c.get('caller');
      return withGiftCardThrottle(deps.sql, c.get('caller'), async () => {
        const [row] = await sql`select gift_card_json(g) as card from gift_cards g where tenant_id = ${tenantId} and code = ${code}`;
        if (!row) throw giftCardNotFound();
        return c.json(row.card, 200);
      }) as never;
    })
    .openapi(activity, async (c) => {
      const code = codeFrom(c.req.valid('param').code);
      const { tenantId } = c.get('caller');
      return withGiftCardThrottle(deps.sql, c.get('caller'), async () => {
        const [card] = await sql`select id from gift_cards where tenant_id = ${tenantId} and code = ${code}`;
        if (!card) throw giftCardNotFound();
        const rows = await sql`select gift_card_activity_json(a) as row from gift_card_activity a
          where gift_card_id = ${card.id} order by seq`;
        return c.json({ data: rows.map((r) => r.row) }, 200);
      }) as never;
    })
    .openapi(redeem, async (c) => {
      const body = c.req.valid('json');
      const code = codeFrom(c.req.valid('param').code);
      const { tenantId, actor } = c.get('caller');
      return withGiftCardThrottle(deps.sql, c.get('caller'), () => idempotent(c, deps, body, async (tx) => {
        const [{ r }] = await tx`select gift_card_redeem(${tenantId}, ${code}, ${body.amountCents}, ${body.orderId ?? null}, ${actor}) as r`;
        return { status: 200, body: r };
      })) as never;
    })
    .openapi(voidCard, async (c) => {
      const body = c.req.valid('json');
      const code = codeFrom(c.req.valid('param').code);
      const { tenantId, actor } = c.get('caller');
      return withGiftCardThrottle(deps.sql, c.get('caller'), () => idempotent(c, deps, body, async (tx) => {
        const [{ card }] = await tx`select gift_card_void(${tenantId}, ${code}, ${body.reason ?? null}, ${actor}) as card`;
        return { status: 200, body: card };
      })) as never;
    });
}
