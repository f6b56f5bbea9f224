import { z } from '@hono/zod-openapi';

// `data` of reconciliation_resolved (sql/0002_orders_gift_cards.sql builds it). src/events/catalogue.ts lists it.

export const ReconciliationResolved = z
  .object({
    id: z.string(),
    kind: z.string(),
    customerId: z.string().nullable(),
    orderId: z.string().nullable(),
    giftCardId: z.string().nullable(),
    points: z.number().int(),
    amountCents: z.number().int(),
    detail: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string(),
    resolvedBy: z.string(),
    resolutionNote: z.string(),
    resolutionTransactionId: z.string().nullable(),
  })
  .strict()
  .describe('A reconciliation item was resolved (with a correcting ledger row when points were given).');

export const reconciliationEventCatalogue = {
  reconciliation_resolved: ReconciliationResolved,
};
