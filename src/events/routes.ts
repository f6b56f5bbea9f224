import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { Envelope } from './catalogue.ts';
import { parseTypes } from '../realtime/frame.ts';
import type { Hub } from '../realtime/hub.ts';
import { sseResponse } from '../realtime/stream.ts';

const tags = ['Events'];
const Types = z.string().max(1000).optional().openapi({
  description: 'Comma-separated event types to receive, e.g. `loyalty_updated,new_order`; default all.',
  example: 'loyalty_updated',
});
const EventId = z.string().regex(/^\d{1,15}$/, 'an event id (decimal)');

const EventPage = z
  .object({
    data: z.array(Envelope),
    nextAfter: z.string().openapi({ description: 'Pass as `after` to continue; the newest id this page covered.' }),
    hasMore: z.boolean(),
    reset: z.boolean().openapi({
      description: 'true when `after` can no longer be served (pruned, or ahead of the newest event): reload state from the REST API, then continue from nextAfter.',
    }),
  })
  .openapi('EventPage');

const stream = createRoute({
  method: 'get', path: '/events/stream', tags, security,
  summary: "Live events of the caller's tenant (Server-Sent Events)",
  description: [
    'Frames are `id: <event id>`, `event: <type>`, `data: <envelope JSON>`. Resume with the standard',
    '`Last-Event-ID` header (or `?lastEventId=`): everything after that id is replayed from the outbox,',
    'then the stream goes live, with no gaps or duplicates. When the resume point cannot be served the',
    'server sends `event: reset` (data `{reason, lastEventId}`): reload state, then carry on. A comment',
    'line arrives every few seconds as a heartbeat. Event payloads are catalogued in /asyncapi.json.',
  ].join(' '),
  request: {
    query: z.object({
      types: Types,
      lastEventId: z.string().max(100).optional().openapi({ description: 'Same as the Last-Event-ID header, for clients that cannot set headers.' }),
    }),
    headers: z.object({ 'last-event-id': z.string().max(100).optional() }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...problems(400, 401, 429),
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
    }),
  },
  responses: { 200: json(EventPage, 'A page of events, oldest first'), ...problems(400, 401) },
});

export function eventRoutes(deps: Deps & { hub: Hub }) {
  const { sql, hub } = deps;
  return newRouter()
    .openapi(stream, async (c) => {
      const { types, lastEventId } = c.req.valid('query');
      const header = c.req.header('last-event-id');
      return sseResponse(c, hub, {
        caller: c.get('caller'),
        types: parseTypes(types),
        lastEventId: header ?? lastEventId ?? null,
      }) as never;
    })
    .openapi(list, async (c) => {
      const { after, limit, types } = c.req.valid('query');
      const caller = c.get('caller');
      const filter = parseTypes(types);
      const from = after === undefined ? null : Number(after);
      // One statement, one snapshot: the counter and the rows agree, so nextAfter never skips a row.
      const [row] = await sql`
        select c.event_seq, c.events_pruned_through, coalesce((
          select json_agg(json_build_object('id', e.id::text, 'type', e.type, 'tenant', ${caller.tenantSlug}::text,
                   'timestamp', iso(e.created_at), 'data', e.data) order by e.id)
          from (select * from events
                where tenant_id = ${caller.tenantId} and id > ${from ?? 0}
                  ${filter ? sql`and type = any(${[...filter]})` : sql``}
                order by id limit ${limit + 1}) e), '[]'::json) as rows
        from tenant_counters c where c.tenant_id = ${caller.tenantId}`;
      const seq: number = row.event_seq;
      if (from !== null && (from < row.events_pruned_through || from > seq)) {
        return c.json({ data: [], nextAfter: String(seq), hasMore: false, reset: true }, 200);
      }
      const rows = row.rows as z.infer<typeof Envelope>[];
      const hasMore = rows.length > limit;
      const data = rows.slice(0, limit);
      // Without more rows the page covered everything committed up to seq, even ids of other types.
      const nextAfter = hasMore ? data.at(-1)!.id : String(Math.max(seq, from ?? 0));
      return c.json({ data, nextAfter, hasMore, reset: false }, 200);
    });
}
