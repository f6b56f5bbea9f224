import { z } from '@hono/zod-openapi';
import { Customer } from '../customers/schemas.ts';
import { settingsEventCatalogue } from '../settings/events.ts';
import { orderEventCatalogue } from '../orders/events.ts';
import { giftCardEventCatalogue } from '../giftCards/events.ts';
import { reconciliationEventCatalogue } from '../reconciliation/events.ts';

// The event catalogue: one zod schema per event type for the envelope's `data`. The SQL functions
// that emit events must produce exactly these shapes (test/realtime/stream.test.ts "event payloads" and
// test/orders/eventPayloads.test.ts hold every emitted payload to them);
// /asyncapi.json is generated from this record, so documenting a new type is adding an entry here:
//   eventCatalogue.new_order = z.object({ ... }).describe('…');

export const CustomerCreated = z
  .object({ customer: Customer })
  .strict()
  .describe('A customer was enrolled (via the API, an earn on an unknown phone, or checkout). Live customer lists add the row.');

export const LoyaltyUpdated = z
  .object({
    customerId: z.string(),
    customerPhone: z.string().describe('E.164'),
    customerName: z.string().nullable(),
    pointsChange: z.number().int().describe('Signed: negative for redemptions'),
    newBalance: z.number().int(),
    totalPointsEarned: z.number().int(),
    totalPointsRedeemed: z.number().int(),
    transactionType: z.enum(['earn', 'add', 'redeem', 'adjust', 'reversal']),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    transactionId: z.string().describe('The ledger row id'),
  })
  .strict()
  .describe("A customer's points balance changed (add, redeem, adjust, earn or reversal): one event per ledger row.");

/** Event type → schema of its `data`. Other modules add their types to this record. */
export const eventCatalogue: Record<string, z.ZodType> = {
  customer_created: CustomerCreated,
  loyalty_updated: LoyaltyUpdated,
  ...settingsEventCatalogue,
  ...orderEventCatalogue,
  ...giftCardEventCatalogue,
  ...reconciliationEventCatalogue,
};

// The envelope lives in ./envelope.ts; re-exported while payload tests elsewhere import it from here.
export { envelopeSchema } from './envelope.ts';
