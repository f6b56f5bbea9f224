import { z } from '@hono/zod-openapi';

// Terminals in the v1 contract, for both doors: GET /api/v1/terminals answers with these, and the admin
// Terminals page renders the same objects.

export const Terminal = z.object({
  keyId: z.string().openapi({ description: 'The API key this terminal uses (a terminal is a key with open event streams)' }),
  name: z.string().openapi({ description: 'The key\'s name, e.g. "Kitchen" or "Till 2"' }),
  locationId: z.string().nullable().openapi({ description: 'The location the key is bound to; null for a tenant-wide key' }),
  locationName: z.string().nullable(),
  connected: z.boolean().openapi({ description: 'At least one event stream of this key is open, on any instance' }),
  streams: z.number().int().openapi({ description: 'Open event streams of this key, over every instance' }),
  connectedAt: z.string().nullable().openapi({ description: 'When the oldest of its open streams connected; null when not connected' }),
  lastSeenAt: z.string().nullable().openapi({
    description: 'While connected, its newest presence heartbeat (every PRESENCE_INTERVAL_MS); otherwise when the key last made a call '
      + 'or last closed a stream (the key\'s last-used time, recorded at most once a minute for calls). Null: never used.',
  }),
  lastEventIdSent: z.number().int().nullable().openapi({
    description: 'The event id its streams are caught up to (with several streams, the one furthest behind). Events outside a '
      + "stream's `types` are passed over, not counted as behind. Null when not connected, or before its stream has started.",
  }),
  lag: z.number().int().nullable().openapi({ description: '`newestEventId` − `lastEventIdSent`: how many events it is behind. Null when `lastEventIdSent` is' }),
}).openapi('Terminal');
export type Terminal = z.infer<typeof Terminal>;

export const TerminalList = z.object({
  data: z.array(Terminal),
  newestEventId: z.number().int().openapi({ description: "The tenant's newest event id, which `lag` is measured against" }),
}).openapi('TerminalList');
export type TerminalList = z.infer<typeof TerminalList>;
