import { z } from '@hono/zod-openapi';
import { customerEventCatalogue } from '../customers/events.ts';
import { settingsEventCatalogue } from '../settings/events.ts';
import { orderEventCatalogue } from '../orders/events.ts';
import { giftCardEventCatalogue } from '../giftCards/events.ts';
import { reconciliationEventCatalogue } from '../reconciliation/events.ts';

// The event catalogue: one zod schema per event type for the envelope's `data`. The SQL functions
// that emit events must produce exactly these shapes (test/realtime/stream.test.ts "event payloads" and
// test/orders/eventPayloads.test.ts hold every emitted payload to them);
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

// The envelope lives in ./envelope.ts; re-exported while payload tests elsewhere import it from here.
export { envelopeSchema } from './envelope.ts';
