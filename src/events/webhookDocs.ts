import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { reachOf } from './asyncapi.ts';
import { eventCatalogue } from './catalogue.ts';
import { typedEnvelopes } from './envelopes.ts';

// OpenAPI 3.1's top-level `webhooks`: one entry per event type, the POST tillstream sends to a
// registered endpoint. The body is the typed envelope of src/events/envelopes.ts: the same zod schemas
// /asyncapi.json and the payload tests use, and the same bytes as the stream's `data:`. Delivery itself
// (signing, retries) lives in src/webhooks/; this module only documents the contract.

const DeliveryHeaders = z.object({
  'tillstream-event-id': z.string().openapi({ description: 'The event id (the envelope `id`); dedupe on it: a retry carries the same id.', example: '42' }),
  'tillstream-timestamp': z.string().openapi({ description: 'Unix seconds when this attempt was signed.', example: '1767225600' }),
  'tillstream-signature': z.string().openapi({
    description: 'v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>. Verify before trusting the body; refuse stale timestamps.',
    example: 'v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
  }),
});

export function registerEventWebhooks(registry: OpenAPIHono['openAPIRegistry']) {
  for (const [type, envelope] of Object.entries(typedEnvelopes)) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `webhook_${type}`,
      tags: ['Webhooks'],
      summary: eventCatalogue[type]?.description ?? type,
      description: `Sent to every active webhook endpoint subscribed to \`${type}\` (${reachOf(type) === 'site' ? 'a per-site event: filtered by the endpoint\'s locations' : 'group-wide'}). Any 2xx acknowledges it; anything else is retried with backoff.`,
      request: {
        headers: DeliveryHeaders,
        body: { required: true, content: { 'application/json': { schema: envelope } } },
      },
      responses: { 200: { description: 'Any 2xx acknowledges the delivery' } },
    });
  }
}
