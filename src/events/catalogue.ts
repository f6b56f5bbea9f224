import { z } from '@hono/zod-openapi';
import { customerEventCatalogue } from '../customers/events.ts';
import { settingsEventCatalogue } from '../settings/events.ts';
import { orderEventCatalogue } from '../orders/events.ts';
import { giftCardEventCatalogue } from '../giftCards/events.ts';
import { reconciliationEventCatalogue } from '../reconciliation/events.ts';

// The event catalogue: one zod schema per event type for the envelope's `data`. The SQL functions
// that emit events must produce exactly these shapes (test/realtime/payloads.test.ts checks them);
// /asyncapi.json is generated from this record, so documenting a new type is adding an entry here:
//   eventCatalogue.new_order = z.object({ ... }).describe('…');

// Customer events moved to src/customers/events.ts; re-exported until test/realtime/stream.test.ts imports them from there.
export { CustomerCreated, LoyaltyUpdated } from '../customers/events.ts';

/** Event type → schema of its `data`. Other modules add their types to this record. */
export const eventCatalogue: Record<string, z.ZodType> = {
  ...customerEventCatalogue,
  ...settingsEventCatalogue,
  ...orderEventCatalogue,
  ...giftCardEventCatalogue,
  ...reconciliationEventCatalogue,
};

/** The envelope every event travels in, on the SSE stream and from GET /api/v1/events. */
export const envelopeSchema = <T extends z.ZodType>(type: string, data: T) =>
  z.object({
    id: z.string().describe("The tenant's event sequence number as a decimal string; strictly increasing in commit order, no gaps."),
    type: z.literal(type),
    tenant: z.string().describe('Tenant slug'),
    timestamp: z.string().describe('ISO 8601, UTC'),
    data,
  }).strict();

export const Envelope = z
  .object({
    id: z.string().openapi({ description: "The tenant's event sequence number (decimal string); strictly increasing in commit order, no gaps.", example: '42' }),
    type: z.string().openapi({ example: 'loyalty_updated' }),
    tenant: z.string().openapi({ description: 'Tenant slug', example: 'demo' }),
    timestamp: z.string().openapi({ description: 'ISO 8601, UTC' }),
    data: z.record(z.string(), z.unknown()).openapi({ description: 'Shape per type: see /asyncapi.json' }),
  })
  .openapi('EventEnvelope');

/** Sent instead of a replay when the resume point cannot be served (pruned, unknown, or in the future). */
export const ResetData = z
  .object({
    reason: z.enum(['pruned', 'invalid', 'future', 'gap']),
    lastEventId: z.string().describe('The newest event id now: reload state, then continue after this id.'),
  })
  .strict()
  .describe('The resume point cannot be served: reload state from the REST API, then continue from lastEventId.');
