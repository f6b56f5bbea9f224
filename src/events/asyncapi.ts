import { Hono } from 'hono';
import { z } from '@hono/zod-openapi';
import { eventCatalogue } from './catalogue.ts';
import { envelopeSchema, ResetData } from '../realtime/envelope.ts';

// The event catalogue for integrators, as AsyncAPI 3.0, generated from the same zod schemas the tests
// hold the emitted payloads to, so the document cannot drift from what the stream carries.

function jsonSchema(schema: z.ZodType) {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function message(type: string, data: z.ZodType) {
  return {
    name: type,
    title: type,
    summary: data.description ?? type,
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
  };
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
        description: 'One stream per client carries every type (filter with `?types=`). The tenant comes from the API key.',
        messages,
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/tenantEvents' },
        summary: 'Receive live events (SSE), resumable by event id',
        messages: refs,
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
