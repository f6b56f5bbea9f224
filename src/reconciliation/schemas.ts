import { z } from '@hono/zod-openapi';
import { LedgerRow } from '../customers/schemas.ts';
import { Cursor, Limit, page } from '../platform/pagination.ts';

// The reconciliation queue in the v1 contract, for both doors: the API validates JSON with these, the
// admin Reconciliation page maps its resolve form onto ReconciliationResolve and shows these messages inline.

/** An item's fields; the reconciliation_resolved event carries the same, resolved (./events.ts). */
export const reconciliationItemShape = {
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
};

export const ReconciliationItem = z.object(reconciliationItemShape).openapi('ReconciliationItem');
export type ReconciliationItem = z.infer<typeof ReconciliationItem>;

export const ReconciliationPage = page(ReconciliationItem, 'ReconciliationPage');
export type ReconciliationPage = z.infer<typeof ReconciliationPage>;

export const ReconciliationListQuery = z.object({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  limit: Limit,
  cursor: Cursor,
});
export type ReconciliationListQuery = z.infer<typeof ReconciliationListQuery>;

const NOTE = 'Say what was done (up to 500 characters).';
const POINTS = 'Whole points from -1,000,000 to 1,000,000.';

export const ReconciliationResolve = z
  .object({
    note: z.string({ error: NOTE }).trim().min(1, NOTE).max(500, NOTE),
    points: z.number({ error: POINTS }).int(POINTS).min(-1_000_000, POINTS).max(1_000_000, POINTS)
      .refine((n) => n !== 0, 'Points must not be zero.').optional()
      .openapi({ description: "Signed points for a correcting `adjust` ledger row on the item's customer (never an edit)" }),
  })
  .strict()
  .openapi('ReconciliationResolve');
export type ReconciliationResolve = z.infer<typeof ReconciliationResolve>;

export const ResolvedItem = ReconciliationItem.extend({ transaction: LedgerRow.nullable() }).openapi('ReconciliationResolved');
export type ResolvedItem = z.infer<typeof ResolvedItem>;
