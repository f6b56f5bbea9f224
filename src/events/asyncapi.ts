import { Hono } from 'hono';
import { z } from '@hono/zod-openapi';
import { eventCatalogue } from './catalogue.ts';
import { PERSONAL_EVENT_TYPES } from '../notifications/events.ts';
import { envelopeSchema, ResetData } from '../realtime/envelope.ts';
import { SITE_EVENT_TYPES } from '../realtime/reach.ts';

// The event catalogue for integrators, as AsyncAPI 3.0, generated from the same zod schemas the tests
// hold the emitted payloads to, so the document cannot drift from what the stream carries.

function jsonSchema(schema: z.ZodType) {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** Which streams receive a type: the rule of src/realtime/reach.ts, in words. */
export function reachOf(type: string): 'site' | 'group' {
  return SITE_EVENT_TYPES.has(type) ? 'site' : 'group';
}

const REACH_TEXT = {
  site: 'Per-site: carries the `locationId` of the site it happened at, and reaches a stream filtered with `locations=` '
    + '(or bound to a location) only when that site is one it follows. Without a location it reaches unfiltered streams only.',
  group: 'Group-wide: reaches every stream of the tenant whatever its `locations=` filter or bound location, so a till '
    + 'shows balances and cards wherever they changed. `locationId` still says where it happened (null when nowhere).',
  personal: "Personal: one admin's own (`data.adminId`), to that admin's session streams only; never an API key's stream, "
    + 'another admin\'s, or GET /api/v1/events (the staff notification centre).',
};

function message(type: string, data: z.ZodType) {
  const reach = PERSONAL_EVENT_TYPES.has(type) ? 'personal' : reachOf(type);
  return {
    name: type,
    title: type,
    summary: data.description ?? type,
    description: REACH_TEXT[reach],
    tags: [{ name: reach === 'site' ? 'per-site' : reach === 'personal' ? 'personal' : 'group-wide' }],
    contentType: 'application/json',
    payload: jsonSchema(envelopeSchema(type, data)),
    headers: {
      type: 'object',
      description: 'SSE fields: `id` is the event id (same as the envelope id), `event` is the type.',
      properties: { id: { type: 'string' }, event: { type: 'string', const: type } },
    },
  };
}

export function asyncApiDocument(host: string) {
  const entries = Object.entries(eventCatalogue).sort(([a], [b]) => a.localeCompare(b));
  const messages: Record<string, unknown> = Object.fromEntries(entries.map(([type, data]) => [type, message(type, data)]));
  messages.reset = {
    ...message('reset', ResetData),
    payload: jsonSchema(ResetData),
    summary: ResetData.description,
    description: 'Sent to every stream, whatever its filters.',
    tags: [],
  };
  const siteTypes = entries.map(([type]) => type).filter((type) => reachOf(type) === 'site');
  const groupTypes = entries.map(([type]) => type).filter((type) => reachOf(type) === 'group');
  const code = (types: string[]) => types.map((t) => `\`${t}\``).join(', ');
  const refs = Object.keys(messages).map((name) => ({ $ref: `#/channels/tenantEvents/messages/${name}` }));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'tillstream events',
      version: '1.0.0',
      description: [
        "Every committed change of a tenant, as Server-Sent Events from `GET /api/v1/events/stream` (or as JSON pages",
        'from `GET /api/v1/events?after=`). Each frame is `id: <event id>`, `event: <type>`, `data: <envelope JSON>`.',
        "Event ids are the tenant's sequence numbers: strictly increasing in commit order with no gaps, so a client",
        'that remembers the last id it applied resumes with `Last-Event-ID` (or `?lastEventId=`) and misses nothing.',
        'Apply events idempotently by id (ignore ids at or below the last applied). On `reset`, reload state from the',
        'REST API and continue. Filter with `?types=a,b`. The REST API is documented at /openapi.json.',
        `Locations: every envelope carries \`locationId\` (the site the change happened at, or null). Per-site types (${code(siteTypes)})`,
        'belong to one site; every other type is group-wide (' + code(groupTypes) + '): one loyalty programme',
        'and one set of gift cards across the group. `?locations=<id>,<id>` keeps the per-site events of those sites only',
        'and every group-wide event. A key bound to a location (a till; also a staff admin limited to one) receives the',
        "per-site events of its own site only, and every group-wide event, with or without `locations=`; naming another",
        'site is 403 `location_mismatch`, and an id that is not one of the tenant\'s locations is 404. The filter holds on',
        'resume and on `GET /api/v1/events`: ids stay strictly increasing, and the ids of events filtered out are simply absent.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    servers: {
      api: { host, protocol: 'http', description: 'This deployment (use https in production).', security: [{ $ref: '#/components/securitySchemes/bearer' }] },
    },
    channels: {
      tenantEvents: {
        address: '/api/v1/events/stream',
        title: "The caller's tenant's events",
        description: 'One stream per client carries every type (filter with `?types=` and `?locations=`). The tenant comes from the API key; a bound key\'s location limits the per-site types.',
        messages,
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/tenantEvents' },
        summary: 'Receive live events (SSE), resumable by event id',
        messages: refs,
        bindings: {
          http: {
            bindingVersion: '0.3.0',
            method: 'GET',
            query: {
              type: 'object',
              properties: {
                types: { type: 'string', description: 'Comma-separated event types to receive; default every type.' },
                locations: {
                  type: 'string',
                  description: `Comma-separated location ids: per-site events (${code(siteTypes)}) of these sites only; group-wide events always arrive. A bound key receives its own site's only; naming another is 403 location_mismatch.`,
                },
                lastEventId: { type: 'string', description: 'Same as the Last-Event-ID header.' },
              },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from `bun run cli key create`; it decides the tenant.' },
      },
    },
  };
}

export function asyncApiRoutes() {
  return new Hono().get('/asyncapi.json', (c) => c.json(asyncApiDocument(new URL(c.req.url).host)));
}
