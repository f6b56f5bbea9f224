import type { Sql } from '../platform/database.ts';
import type { Metrics } from '../platform/metrics.ts';
import { outboxEvent, resetData, type OutboxRow, type ResetReason } from './envelope.ts';
import { drained } from './backPressure.ts';
import type { Formats } from './formats.ts';
import { reachSql } from './reach.ts';
import { encodeFrame } from './frame.ts';
import type { CloseReason, Subscriber } from './subscriber.ts';
import type { TenantFeed } from './tenantFeed.ts';

const REPLAY_PAGE = 500;

export type ReplayContext = {
  sql: Sql;
  formats: Formats;
  metrics: Metrics;
  send: (sub: Subscriber, bytes: Uint8Array) => void;
  close: (sub: Subscriber, reason: CloseReason) => void;
};

/**
 * Replay what the client missed, then flush the live frames buffered meanwhile, then go live.
 * `start` is the tenant cursor when the subscriber registered: every id above it reaches the
 * subscriber through fan-out (buffered in `pending`), so the replay covers (resume, start] only.
 * A resume point that cannot be served is answered with `reset` (the client reloads its state).
 */
export async function replayThenLive(sub: Subscriber, feed: TenantFeed, resume: number | 'invalid' | null, ctx: ReplayContext) {
  await feed.ready;
  if (sub.closed) return;
  const start = sub.startAfter ?? feed.initialCursor;
  // The same rule fan-out applies (reach.ts): a resumed stream gets exactly what it would have got live.
  const reach = reachSql(ctx.sql, sub);
  // One page after `after` (up to `start`) with the tenant's counters, from one statement, so one
  // snapshot: if retention pruned past this client's position since the last page (a long replay at a
  // slow client's pace), the rows it still needs are gone and it must reload (`reset`) rather than skip
  // them silently.
  const readPage = (after: number) => ctx.sql<(OutboxRow & { pruned: number; seq: number })[]>`select
        c.events_pruned_through as pruned, c.event_seq as seq, e.id, e.type,
        e.location_id, e.data, e.actor, iso(e.created_at) as created_at
      from tenant_counters c left join lateral (
        select * from events
        where tenant_id = c.tenant_id and id > ${after} and id <= ${start}
          ${reach}
        order by id limit ${REPLAY_PAGE}) e on true
      where c.tenant_id = ${sub.tenantId}`;
  let after = start;
  // A resume point is checked against the counters read with the replay's first page: a resumed stream
  // costs one statement here, not two (a deploy's reconnect storm pays this once per stream).
  let first: Awaited<ReturnType<typeof readPage>> | null = null;
  if (resume !== null) {
    const page = await readPage(resume === 'invalid' ? start : resume);
    if (sub.closed) return;
    const seq: number = page[0].seq;
    const reason = resume === 'invalid' ? 'invalid' : resume > seq ? 'future'
      : resume < page[0].pruned ? 'pruned' : null;
    if (reason) {
      // The client reloads its state, which then includes everything up to seq: continue after it.
      reset(sub, reason, seq, ctx);
      after = seq;
    } else {
      after = resume as number;
      first = page;
    }
  }
  sub.lastSentId = after;

  while (sub.lastSentId < start) {
    const page = first ?? await readPage(sub.lastSentId);
    first = null;
    if (sub.closed) return;
    if (page[0].pruned > sub.lastSentId) {
      reset(sub, 'pruned', start, ctx);
      sub.lastSentId = start;
      break;
    }
    const rows = page.filter((r) => r.id !== null);
    for (const row of rows) {
      sub.lastSentId = row.id;
      const event = outboxEvent(feed, row);
      // The stream's own test (a guest's customer), the same one fan-out applies live.
      if (sub.only && !sub.only(event)) continue;
      const bytes = ctx.formats.replayFrame(sub.format, event);
      if (bytes === null) continue;
      if ((sub.sink.desiredSize ?? 0) < 0 && !(await drained(sub))) return ctx.close(sub, 'slow');
      ctx.metrics.eventsReplayed++;
      ctx.send(sub, bytes);
    }
    if (sub.closed) return;
    if (rows.length < REPLAY_PAGE) break;
  }
  if (sub.closed) return;
  sub.lastSentId = Math.max(sub.lastSentId, start);
  for (const p of sub.pending) {
    if (p.id <= sub.lastSentId) continue;
    sub.lastSentId = p.id;
    ctx.metrics.eventsDelivered++;
    ctx.send(sub, p.bytes);
  }
  sub.pending = [];
  sub.pendingBytes = 0;
  sub.live = true;
}

/** Tell the client to reload its state (which then includes everything up to `id`) and carry on after `id`. */
function reset(sub: Subscriber, reason: ResetReason, id: number, ctx: ReplayContext) {
  ctx.send(sub, encodeFrame({ id, event: 'reset', data: JSON.stringify(resetData(reason, id)) }));
}
