import { z } from '@hono/zod-openapi';
import { eventCatalogue } from '../events/catalogue.ts';
import { Id } from '../platform/fields.ts';
import { Cursor, Limit, page } from '../platform/pagination.ts';

// Webhook endpoints and their delivery log in the v1 contract, for both doors.

const EventType = z.string().min(1).max(100).refine((t) => t in eventCatalogue, { message: 'is not an event type (see /asyncapi.json)' });

const Url = z.string().trim().min(1).max(2000).url().refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' })
  .openapi({ example: 'https://example.com/tillstream/webhook' });

export const WebhookCreate = z.object({
  url: Url,
  types: z.array(EventType).min(1).max(100).optional()
    .openapi({ description: 'Only these event types; absent: every type' }),
  locations: z.array(Id).min(1).max(100).optional()
    .openapi({ description: "Only these sites' per-site events (orders); group-wide events (points, customers, gift cards) always go. Absent: every site" }),
}).strict().openapi('WebhookCreate');
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookPatch = z.object({
  url: Url.optional(),
  types: z.array(EventType).min(1).max(100).nullable().optional().openapi({ description: 'null: every type' }),
  locations: z.array(Id).min(1).max(100).nullable().optional().openapi({ description: 'null: every site' }),
  status: z.enum(['active', 'paused']).optional()
    .openapi({ description: 'paused: events wait (the cursor stays); active: delivery resumes, and a disabled endpoint is re-enabled' }),
}).strict().openapi('WebhookPatch');
export type WebhookPatch = z.infer<typeof WebhookPatch>;

export const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  types: z.array(z.string()).nullable().openapi({ description: 'null: every type' }),
  locations: z.array(z.string()).nullable().openapi({ description: 'null: every site' }),
  status: z.enum(['active', 'paused', 'disabled']),
  cursor: z.string().openapi({ description: 'The last event id this endpoint is done with (delivered or filtered out)' }),
  attempts: z.number().int().openapi({ description: 'Consecutive failed attempts at the next event (0: healthy)' }),
  failingSince: z.string().nullable(),
  nextAttemptAt: z.string().nullable().openapi({ description: 'When the next retry is due while failing; null when healthy' }),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi('Webhook');
export type Webhook = z.infer<typeof Webhook>;

export const WebhookCreated = Webhook.extend({
  secret: z.string().openapi({ description: 'Signs every delivery (Tillstream-Signature). Shown only in this response: store it now.' }),
}).openapi('WebhookCreated');
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookList = z.object({ data: z.array(Webhook) }).openapi('WebhookList');

export const Delivery = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  attempt: z.number().int(),
  kind: z.enum(['delivery', 'replay']),
  status: z.enum(['succeeded', 'failed']),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable().openapi({ description: 'Why it failed before a response (timeout, refused address, connection error)' }),
  bodyExcerpt: z.string().nullable().openapi({ description: 'The first 1 KB of the response body' }),
  createdAt: z.string(),
}).openapi('WebhookDelivery');
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryPage = page(Delivery, 'WebhookDeliveryPage');
export const DeliveryQuery = z.object({ limit: Limit, cursor: Cursor });

const EventId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,15}$/, 'must be an event id')])
  .transform(Number).openapi({ type: 'string', example: '42' });

export const WebhookReplay = z.union([
  z.object({ afterEventId: EventId }).strict()
    .openapi({ description: 'Deliver everything after this event id again, in order (the cursor moves back to it)' }),
  z.object({ eventId: EventId }).strict()
    .openapi({ description: 'Send this one event again now, outside the queue; the answer holds the attempt' }),
]).openapi('WebhookReplay');
export type WebhookReplay = z.infer<typeof WebhookReplay>;

export const ReplayResult = z.object({
  webhook: Webhook,
  delivery: Delivery.nullable().openapi({ description: 'For `eventId`: the attempt just made; null for `afterEventId`' }),
}).openapi('WebhookReplayResult');
