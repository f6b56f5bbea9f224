import { z } from '@hono/zod-openapi';
import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { outboxEvent, toEnvelope, type OutboxRow } from '../realtime/envelope.ts';
import { EventEnvelope } from './envelopes.ts';
import { hiddenFrom, reachSql } from '../realtime/reach.ts';
import { streamSites } from './sites.ts';

// The events domain's read: the outbox as JSON pages, for catch-up and as the stream's polling fallback.

export const EventPage = z
  .object({
    data: z.array(EventEnvelope),
    nextAfter: z.string().openapi({ description: 'Pass as `after` to continue; the newest id this page covered.' }),
    hasMore: z.boolean(),
    reset: z.boolean().openapi({
      description: 'true when `after` can no longer be served (pruned, or ahead of the newest event): reload state from the REST API, then continue from nextAfter.',
    }),
  })
  .openapi('EventPage');
export type EventPage = z.infer<typeof EventPage>;

export type EventPageQuery = {
  /** Events with a greater id; null: from the oldest retained. */
  after: number | null;
  limit: number;
  /** Only these types; null: every type. */
  types: Set<string> | null;
  /** Sites named in `locations=` (null: none named); a bound caller gets its own site's per-site events only. */
  locations?: string[] | null;
};

type PageRow = { event_seq: number; events_pruned_through: number } & ({ [K in keyof OutboxRow]: OutboxRow[K] | null });

export async function readEventPage(db: Db, caller: Caller, q: EventPageQuery): Promise<EventPage> {
  authorize(caller, 'events.read');
  const sites = await streamSites(db, caller, q.locations ?? null);
  // The stream's rule (src/realtime/reach.ts), so a client polling this page sees what the stream would send.
  const reach = reachSql(db, { types: q.types, sites, hidden: hiddenFrom(caller) });
  // One statement, one snapshot: the counter and the rows agree, so nextAfter never skips a row.
  // A tenant with no events in range still yields its counter row (the rows' columns are null).
  const rows = await db<PageRow[]>`
    select c.event_seq, c.events_pruned_through, e.id, e.type, e.location_id, e.data, e.actor, iso(e.created_at) as created_at
    from tenant_counters c left join lateral (
      select * from events
      where tenant_id = c.tenant_id and id > ${q.after ?? 0}
        ${reach}
      order by id limit ${q.limit + 1}) e on true
    where c.tenant_id = ${caller.tenantId}
    order by e.id`;
  const seq = rows[0].event_seq;
  if (q.after !== null && (q.after < rows[0].events_pruned_through || q.after > seq)) {
    return { data: [], nextAfter: String(seq), hasMore: false, reset: true };
  }
  const events = rows.filter((r): r is PageRow & OutboxRow => r.id !== null);
  const hasMore = events.length > q.limit;
  const data = events.slice(0, q.limit).map((r) => toEnvelope(outboxEvent(caller, r)));
  // Without more rows the page covered everything committed up to seq, even ids of other types and sites.
  const nextAfter = hasMore ? data.at(-1)!.id : String(Math.max(seq, q.after ?? 0));
  return { data, nextAfter, hasMore, reset: false };
}
