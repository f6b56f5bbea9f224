import { z } from '@hono/zod-openapi';

// What an event looks like on the wire, built in one place: the SSE stream's json format and
// GET /api/v1/events both call toEnvelope, and /asyncapi.json and /openapi.json describe it with the
// schemas below, so the two transports and their documents cannot drift apart.

/** One committed outbox row (a row of `events`) with its tenant's slug: what the stream renders. */
export type OutboxEvent = {
  tenantId: string;
  tenantSlug: string;
  id: number;
  type: string;
  /** The site the change happened at (events.location_id); null (or absent, for a hand-built event) when it had none. */
  locationId?: string | null;
  /** The type's payload; its shape is the catalogue's schema for `type` (src/events/catalogue.ts). */
  data: any;
  actor: string | null;
  createdAt: string;
};

/** The columns an outbox read selects: `id, type, location_id, data, actor, iso(created_at) as created_at`. */
export type OutboxRow = { id: number; type: string; location_id: string | null; data: unknown; actor: string | null; created_at: string };

export function outboxEvent(tenant: { tenantId: string; tenantSlug: string }, row: OutboxRow): OutboxEvent {
  return {
    tenantId: tenant.tenantId, tenantSlug: tenant.tenantSlug,
    id: row.id, type: row.type, locationId: row.location_id ?? null, data: row.data, actor: row.actor, createdAt: row.created_at,
  };
}

// `.openapi()` first, then `.describe()`: that order keeps the description for both generators
// (/openapi.json reads both; z.toJSONSchema behind /asyncapi.json only sees the description).
const id = z.string().openapi({ example: '42' })
  .describe("The tenant's event sequence number as a decimal string; strictly increasing in commit order, no gaps.");
const tenant = z.string().openapi({ example: 'demo' }).describe('Tenant slug');
const timestamp = z.string().describe('ISO 8601, UTC');
const locationId = z.string().nullable().openapi({ example: '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10' })
  .describe('The location (site) where the change happened; null when it had none (a tenant-wide write, or before locations).');

/**
 * Any event's envelope, loosely: what toEnvelope builds. /openapi.json documents EventPage.data with the
 * typed oneOf built from the catalogue (src/events/envelopes.ts), which realtime does not import.
 */
export const Envelope = z
  .object({
    id,
    type: z.string().openapi({ example: 'loyalty_updated' }),
    tenant,
    locationId,
    timestamp,
    data: z.record(z.string(), z.unknown()).describe('Shape per type: see /asyncapi.json'),
  });
export type Envelope = z.infer<typeof Envelope>;

/** One type's envelope with its exact payload schema (AsyncAPI messages, payload tests). */
export const envelopeSchema = <T extends z.ZodType>(type: string, data: T) =>
  z.object({ id, type: z.literal(type), tenant, locationId, timestamp, data }).strict();

/** The one place an envelope is built: the stream's json format and GET /api/v1/events both call it. */
export function toEnvelope(e: Pick<OutboxEvent, 'id' | 'type' | 'tenantSlug' | 'locationId' | 'createdAt' | 'data'>): Envelope {
  return { id: String(e.id), type: e.type, tenant: e.tenantSlug, locationId: e.locationId ?? null, timestamp: e.createdAt, data: e.data };
}

/** Sent instead of a replay when the resume point cannot be served (pruned, unknown, or in the future). */
export const ResetData = z
  .object({
    reason: z.enum(['pruned', 'invalid', 'future']),
    lastEventId: z.string().describe('The newest event id now: reload state, then continue after this id.'),
  })
  .strict()
  .describe('The resume point cannot be served: reload state from the REST API, then continue from lastEventId.');
export type ResetData = z.infer<typeof ResetData>;
export type ResetReason = ResetData['reason'];

export function resetData(reason: ResetReason, lastEventId: number): ResetData {
  return { reason, lastEventId: String(lastEventId) };
}
