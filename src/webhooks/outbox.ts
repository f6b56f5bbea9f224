import type { Db } from '../platform/database.ts';
import { outboxEvent, toEnvelope, type OutboxEvent } from '../realtime/envelope.ts';
import { receives } from '../realtime/reach.ts';

// What a webhook reads from the outbox and what it POSTs: the same envelope the stream's json format
// writes as `data:` (toEnvelope, one JSON.stringify), and the same reach rule as a stream's filters.

export type Endpoint = { tenant_id: string; types: string[] | null; locations: string[] | null };

/** Events of the endpoint's tenant after `after`, in id order. */
export async function eventsAfter(db: Db, tenantId: string, after: number, limit: number): Promise<OutboxEvent[]> {
  const rows = await db`
    select t.slug, e.id::int8 as id, e.type, e.location_id, e.data, e.actor, iso(e.created_at) as created_at
    from events e join tenants t on t.id = e.tenant_id
    where e.tenant_id = ${tenantId} and e.id > ${after}
    order by e.id limit ${limit}`;
  return rows.map((r) => outboxEvent({ tenantId, tenantSlug: r.slug },
    { id: Number(r.id), type: r.type, location_id: r.location_id, data: r.data, actor: r.actor, created_at: r.created_at }));
}

/** One event by id, or null when it was never written or was pruned. */
export async function eventById(db: Db, tenantId: string, id: number): Promise<OutboxEvent | null> {
  const [e] = await eventsAfter(db, tenantId, id - 1, 1);
  return e && e.id === id ? e : null;
}

/** Does this endpoint's filter take this event? */
export function wants(endpoint: Endpoint, e: OutboxEvent): boolean {
  return receives({ types: endpoint.types ? new Set(endpoint.types) : null, sites: endpoint.locations ? new Set(endpoint.locations) : null }, e);
}

/** The body of a delivery: byte for byte the stream's `data:` line. */
export const deliveryBody = (e: OutboxEvent) => JSON.stringify(toEnvelope(e));
