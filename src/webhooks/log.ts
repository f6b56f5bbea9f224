import type { Db } from '../platform/database.ts';
import type { OutboxEvent } from '../realtime/envelope.ts';
import type { Delivery } from './schemas.ts';
import type { Attempt } from './send.ts';

// The delivery log: one row per attempt, written by the worker and by a one-event replay alike.

export type AttemptOf = { webhookId: string; tenantId: string; event: Pick<OutboxEvent, 'id' | 'type'>; attempt: number; kind: 'delivery' | 'replay' };

export async function recordAttempt(db: Db, of: AttemptOf, a: Attempt): Promise<Delivery> {
  const [row] = await db`
    insert into webhook_deliveries (webhook_id, tenant_id, event_id, event_type, attempt, kind, succeeded, response_code, latency_ms, error, body_excerpt)
    values (${of.webhookId}, ${of.tenantId}, ${of.event.id}, ${of.event.type}, ${of.attempt}, ${of.kind}, ${a.succeeded}, ${a.responseCode},
      ${a.latencyMs}, ${a.error}, ${a.bodyExcerpt})
    returning seq::text as id, iso(created_at) as "createdAt"`;
  return {
    id: row.id, eventId: String(of.event.id), eventType: of.event.type, attempt: of.attempt, kind: of.kind,
    status: a.succeeded ? 'succeeded' : 'failed', responseCode: a.responseCode, latencyMs: a.latencyMs,
    error: a.error, bodyExcerpt: a.bodyExcerpt, createdAt: row.createdAt,
  };
}

/** Log rows older than the events themselves are kept (the maintenance loop prunes both by age). */
export async function pruneDeliveries(db: Db, hours: number): Promise<number> {
  const rows = await db`delete from webhook_deliveries where created_at < now() - make_interval(hours => ${hours}) returning 1`;
  return rows.length;
}
