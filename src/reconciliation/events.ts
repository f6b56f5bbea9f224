import { z } from '@hono/zod-openapi';
import { reconciliationItemShape } from './schemas.ts';

// `data` of reconciliation_resolved (reconciliation_resolve() in sql/0002_orders_gift_cards.sql builds it):
// the item as the API shows it, now resolved. src/events/catalogue.ts lists it.

export const ReconciliationResolved = z
  .object({
    ...reconciliationItemShape,
    resolvedAt: z.string(),
    resolvedBy: z.string(),
    resolutionNote: z.string(),
  })
  .strict()
  .describe('A reconciliation item was resolved (with a correcting ledger row when points were given).');

export const reconciliationEventCatalogue = {
  reconciliation_resolved: ReconciliationResolved,
};
