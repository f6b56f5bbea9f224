import { randomBytes } from 'node:crypto';
import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import { deliveryBody, eventById } from './outbox.ts';
import { recordAttempt } from './log.ts';
import { send, type SendOptions } from './send.ts';
import { WebhookWorker } from './worker.ts';
import type { Delivery, Webhook, WebhookCreate, WebhookCreated, WebhookPatch, WebhookReplay } from './schemas.ts';

// Webhook endpoints, both doors: register, list, change, remove, read the delivery log, replay. Every
// function authorizes (webhooks.manage: owners) and is scoped by the caller's tenant, so another
// tenant's endpoint is 404. Delivery itself is worker.ts, off the request path.

const COLUMNS = (db: Db) => db`id, url, types, locations, status, cursor::text as cursor, attempts,
  iso(failing_since) as "failingSince", case when attempts > 0 then iso(next_attempt_at) end as "nextAttemptAt",
  iso(disabled_at) as "disabledAt", disabled_reason as "disabledReason", iso(created_at) as "createdAt", iso(updated_at) as "updatedAt"`;

const notFound = () => new ApiError(404, 'not_found', 'No such webhook.');

/** Locations must be the tenant's own: an unknown id (or another tenant's) is refused, unchanged. */
async function checkLocations(db: Db, tenantId: string, locations: string[] | null | undefined) {
  if (!locations) return;
  const [{ n }] = await db`select count(*)::int as n from locations where tenant_id = ${tenantId} and id = any(${locations}::uuid[])`;
  if (n !== new Set(locations).size) {
    throw new ApiError(400, 'validation_failed', 'locations: every id must be one of your locations.', { errors: [{ path: 'locations', message: 'unknown location' }] });
  }
}

/** Registers an endpoint; it receives events from now on (its cursor starts at the newest event). */
export async function createWebhook(db: Db, caller: Caller, input: WebhookCreate): Promise<WebhookCreated> {
  authorize(caller, 'webhooks.manage');
  await checkLocations(db, caller.tenantId, input.locations);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  // Before commit, so the first event after it already wakes this process's worker (worker.ts, tenants).
  WebhookWorker.watch(caller.tenantId);
  const [row] = await db`
    insert into webhooks (tenant_id, url, types, locations, secret, cursor)
    select ${caller.tenantId}, ${input.url}, ${input.types ? [...new Set(input.types)] : null}, ${input.locations ? [...new Set(input.locations)] : null}::uuid[],
      ${secret}, event_seq from tenant_counters where tenant_id = ${caller.tenantId}
    returning ${COLUMNS(db)}`;
  return { ...(row as Webhook), secret };
}

export async function listWebhooks(db: Db, caller: Caller): Promise<Webhook[]> {
  authorize(caller, 'webhooks.manage');
  const rows = await db`select ${COLUMNS(db)} from webhooks where tenant_id = ${caller.tenantId} order by seq`;
  return rows.map((r) => r as Webhook);
}

export async function getWebhook(db: Db, caller: Caller, id: string): Promise<Webhook> {
  authorize(caller, 'webhooks.manage');
  const [row] = await db`select ${COLUMNS(db)} from webhooks where tenant_id = ${caller.tenantId} and id = ${id}`;
  if (!row) throw notFound();
  return row as Webhook;
}

/**
 * Changes the URL, filters or status. `active` on a disabled or failing endpoint clears its failure
 * count and makes it due at once: delivery resumes from its cursor (nothing was skipped).
 */
export async function updateWebhook(db: Db, caller: Caller, id: string, patch: WebhookPatch): Promise<Webhook> {
  authorize(caller, 'webhooks.manage');
  await checkLocations(db, caller.tenantId, patch.locations);
  const has = (k: keyof WebhookPatch) => patch[k] !== undefined;
  WebhookWorker.watch(caller.tenantId);
  const [row] = await db`
    update webhooks set
      url = ${has('url') ? patch.url! : db`url`},
      types = ${has('types') ? (patch.types ? [...new Set(patch.types)] : null) : db`types`},
      locations = ${has('locations') ? db`${patch.locations ? [...new Set(patch.locations)] : null}::uuid[]` : db`locations`},
      status = ${patch.status ?? db`status`},
      attempts = ${patch.status === 'active' ? 0 : db`attempts`},
      failing_since = ${patch.status === 'active' ? null : db`failing_since`},
      next_attempt_at = ${patch.status === 'active' ? db`now()` : db`next_attempt_at`},
      disabled_at = ${patch.status ? null : db`disabled_at`},
      disabled_reason = ${patch.status ? null : db`disabled_reason`},
      updated_at = now()
    where tenant_id = ${caller.tenantId} and id = ${id}
    returning ${COLUMNS(db)}`;
  if (!row) throw notFound();
  return row as Webhook;
}

export async function deleteWebhook(db: Db, caller: Caller, id: string): Promise<void> {
  authorize(caller, 'webhooks.manage');
  const [row] = await db`delete from webhooks where tenant_id = ${caller.tenantId} and id = ${id} returning id`;
  if (!row) throw notFound();
}

const DELIVERY_COLUMNS = (db: Db) => db`seq, seq::text as id, event_id::text as "eventId", event_type as "eventType", attempt, kind,
  case when succeeded then 'succeeded' else 'failed' end as status, response_code as "responseCode", latency_ms as "latencyMs",
  error, body_excerpt as "bodyExcerpt", iso(created_at) as "createdAt"`;

/** The delivery log of one endpoint, newest first, keyset paged. */
export async function listDeliveries(db: Db, caller: Caller, id: string, q: { limit: number; cursor?: string }) {
  await getWebhook(db, caller, id);
  const before = decodeCursor(q.cursor);
  const rows = await db`select ${DELIVERY_COLUMNS(db)} from webhook_deliveries
    where webhook_id = ${id} and tenant_id = ${caller.tenantId} ${before === null ? db`` : db`and seq < ${before}`}
    order by seq desc limit ${q.limit + 1}`;
  return keysetPage(rows, q.limit, ({ seq: _seq, ...d }) => d as Delivery);
}

/**
 * `afterEventId`: the cursor moves back (or forward) to it and the endpoint is due at once, so
 * everything after it is delivered again in order. `eventId`: that one event is sent now, from this
 * request, outside the queue (the owner sees the attempt in the answer); it may arrive while the queue
 * delivers later events, so a receiver dedups by Tillstream-Event-Id and does not rely on order for it.
 */
export async function replay(db: Db, caller: Caller, id: string, input: WebhookReplay, opts: SendOptions): Promise<{ webhook: Webhook; delivery: Delivery | null }> {
  const webhook = await getWebhook(db, caller, id);
  if ('afterEventId' in input) {
    const [{ newest }] = await db`select event_seq as newest from tenant_counters where tenant_id = ${caller.tenantId}`;
    if (input.afterEventId > newest) throw new ApiError(400, 'validation_failed', `afterEventId: the newest event is ${newest}.`);
    WebhookWorker.watch(caller.tenantId);
    const [row] = await db`update webhooks set cursor = ${input.afterEventId}, attempts = 0, failing_since = null,
      next_attempt_at = now(), updated_at = now() where id = ${id} and tenant_id = ${caller.tenantId} returning ${COLUMNS(db)}`;
    if (!row) throw notFound();
    return { webhook: row as Webhook, delivery: null };
  }
  const event = await eventById(db, caller.tenantId, input.eventId);
  if (!event) throw new ApiError(404, 'not_found', `No event ${input.eventId} (never written, or pruned).`);
  const [{ secret, url }] = await db`select secret, url from webhooks where id = ${id}`;
  const attempt = await send(url, secret, event.id, deliveryBody(event), opts);
  const delivery = await recordAttempt(db, { webhookId: id, tenantId: caller.tenantId, event, attempt: 1, kind: 'replay' }, attempt);
  return { webhook, delivery };
}
