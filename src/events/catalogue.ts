import { z } from '@hono/zod-openapi';
import { customerEventCatalogue } from '../customers/events.ts';
import { settingsEventCatalogue } from '../settings/events.ts';
import { orderEventCatalogue } from '../orders/events.ts';
import { giftCardEventCatalogue } from '../giftCards/events.ts';
import { reconciliationEventCatalogue } from '../reconciliation/events.ts';
import { rewardEventCatalogue } from '../rewards/events.ts';
import { teamEventCatalogue } from '../identity/teamEvents.ts';
import { webhookEventCatalogue } from '../webhooks/events.ts';
import { walletEventCatalogue } from '../wallet/events.ts';
import { notificationEventCatalogue } from '../notifications/events.ts';

// The event catalogue: one zod schema per event type for the envelope's `data`. The SQL functions
// that emit events must produce exactly these shapes (test/realtime/stream.test.ts "event payloads" and
// test/orders/eventPayloads.test.ts hold every emitted payload to them);
// /asyncapi.json is generated from this record. Each domain declares its payloads in its own events.ts
// as a `<domain>EventCatalogue`; a new event type is an entry there, spread in here.

/** Event type → schema of its `data`. */
export const eventCatalogue: Record<string, z.ZodType> = {
  ...customerEventCatalogue,
  ...settingsEventCatalogue,
  ...orderEventCatalogue,
  ...giftCardEventCatalogue,
  ...reconciliationEventCatalogue,
  ...rewardEventCatalogue,
  ...teamEventCatalogue,
  ...webhookEventCatalogue,
  ...walletEventCatalogue,
  ...notificationEventCatalogue,
};
