import { createRoute, z } from '@hono/zod-openapi';
import type { LiveDeps } from '../realtime/hub.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { parseTypes } from '../realtime/frame.ts';
import { EventPage, readEventPage } from './eventPage.ts';
import { eventStream } from './stream.ts';
import { parseLocations } from './sites.ts';

const tags = ['Events'];
const Types = z.string().max(1000).optional().openapi({
  description: 'Comma-separated event types to receive, e.g. `loyalty_updated,new_order`; default all.',
  example: 'loyalty_updated',
});
const Locations = z.string().max(4000).optional().openapi({
  description: [
    'Comma-separated location ids: only those sites\' per-site events (`new_order`, `order_updated`); group-wide',
    'events (loyalty, customers, gift cards, settings, reconciliation) still arrive. Default: every site. A key (or',
    'staff admin) bound to a location always receives only its own site\'s per-site events; naming another site is',
    '403 `location_mismatch`. An id that is not one of the tenant\'s locations is 404.',
  ].join(' '),
  example: '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10',
});
const EventId = z.string().regex(/^\d{1,15}$/, 'an event id (decimal)');

const stream = createRoute({
  method: 'get', path: '/events/stream', tags, security,
  summary: "Live events of the caller's tenant (Server-Sent Events)",
  description: [
    'Frames are `id: <event id>`, `event: <type>`, `data: <envelope JSON>`. Resume with the standard',
    '`Last-Event-ID` header (or `?lastEventId=`): everything after that id is replayed from the outbox,',
    'then the stream goes live, with no gaps or duplicates. When the resume point cannot be served the',
    'server sends `event: reset` (data `{reason, lastEventId}`): reload state, then carry on. A comment',
    'line arrives every few seconds as a heartbeat. Event payloads, and which types are per-site, are catalogued',
    'in /asyncapi.json. A key bound to a location receives its own site\'s orders and every group-wide event;',
    'resuming keeps the filter (ids of events filtered out are simply absent).',
  ].join(' '),
  request: {
    query: z.object({
      types: Types,
      locations: Locations,
      lastEventId: z.string().max(100).optional().openapi({ description: 'Same as the Last-Event-ID header, for clients that cannot set headers.' }),
    }),
    headers: z.object({ 'last-event-id': z.string().max(100).optional() }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    // 503 events_unavailable: the tenant's outbox could not be read to fix the starting point.
    // 403 location_mismatch: a bound key named another site; 404: a named site is not the tenant's.
    ...problems(400, 401, 403, 404, 429, 503),
  },
});

const list = createRoute({
  method: 'get', path: '/events', tags, security,
  summary: 'Events after an id, as JSON (catch-up and polling fallback)',
  request: {
    query: z.object({
      after: EventId.optional().openapi({ description: 'Return events with a greater id; default: the oldest retained.' }),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      types: Types,
      locations: Locations,
    }),
  },
  responses: { 200: json(EventPage, 'A page of events, oldest first'), ...problems(400, 401, 403, 404) },
});

export function eventRoutes({ sql, hub }: LiveDeps) {
  return newRouter()
    .openapi(stream, (c) => {
      const { types, locations, lastEventId } = c.req.valid('query');
      return eventStream(c, hub, c.get('caller'), {
        types: parseTypes(types), locations: parseLocations(locations),
        lastEventId: c.req.header('last-event-id') ?? lastEventId ?? null,
      });
    })
    .openapi(list, async (c) => {
      const { after, limit, types, locations } = c.req.valid('query');
      const page = await readEventPage(sql, c.get('caller'), {
        after: after === undefined ? null : Number(after), limit, types: parseTypes(types), locations: parseLocations(locations),
      });
      return c.json(page, 200);
    });
}
