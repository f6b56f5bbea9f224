import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { DeliveryPage, DeliveryQuery, ReplayResult, Webhook, WebhookCreate, WebhookCreated, WebhookList, WebhookPatch, WebhookReplay } from './schemas.ts';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, replay, updateWebhook } from './webhooks.ts';

const tags = ['Webhooks'];
const owners = ' (owners only)';

const list = createRoute({
  method: 'get', path: '/webhooks', tags, security, summary: `The tenant's webhook endpoints${owners}`,
  responses: { 200: json(WebhookList, 'Every endpoint, oldest first (secrets are never shown again)'), ...problems(401, 403) },
});
const create = createRoute({
  method: 'post', path: '/webhooks', tags, security,
  summary: `Register an endpoint${owners}: it receives every event committed from now on, signed with the secret in this answer (shown once)`,
  request: { headers: IdempotencyHeader, body: jsonBody(WebhookCreate) },
  responses: { 201: json(WebhookCreated, 'Created; store `secret` now'), ...problems(400, 401, 403, 409, 413, 415, 422) },
});
const patch = createRoute({
  method: 'patch', path: '/webhooks/{id}', tags, security,
  summary: `Change the URL or filters, pause, or resume (re-enables a disabled endpoint)${owners}`,
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(WebhookPatch) },
  responses: { 200: json(Webhook, 'The endpoint after the change'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});
const remove = createRoute({
  method: 'delete', path: '/webhooks/{id}', tags, security, summary: `Remove an endpoint and its delivery log${owners}`,
  request: { params: IdParam },
  responses: { 204: { description: 'Removed' }, ...problems(400, 401, 403, 404) },
});
const deliveries = createRoute({
  method: 'get', path: '/webhooks/{id}/deliveries', tags, security, summary: `The delivery log, newest first${owners}`,
  request: { params: IdParam, query: DeliveryQuery },
  responses: { 200: json(DeliveryPage, 'One row per attempt'), ...problems(400, 401, 403, 404) },
});
const replayRoute = createRoute({
  method: 'post', path: '/webhooks/{id}/replay', tags, security,
  summary: `Deliver everything after an event id again, in order (\`afterEventId\`), or send one event again now (\`eventId\`)${owners}`,
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(WebhookReplay) },
  responses: { 200: json(ReplayResult, 'The endpoint, and for `eventId` the attempt made'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export function webhookRoutes(deps: Deps) {
  const { sql, config } = deps;
  const sendOptions = { timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES };
  return newRouter()
    .openapi(list, async (c) => c.json({ data: await listWebhooks(sql, c.get('caller')) }, 200))
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      return idempotent(c, deps, body, async (tx) => ({ status: 201, body: await createWebhook(tx, c.get('caller'), body) }));
    })
    .openapi(patch, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await updateWebhook(tx, c.get('caller'), id, body) }));
    })
    .openapi(remove, async (c) => {
      await deleteWebhook(sql, c.get('caller'), c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(deliveries, async (c) => c.json(await listDeliveries(sql, c.get('caller'), c.req.valid('param').id, c.req.valid('query')), 200))
    // With an Idempotency-Key, a retried one-event replay answers with the first attempt instead of sending again.
    .openapi(replayRoute, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await replay(tx, c.get('caller'), id, body, sendOptions) }));
    });
}
