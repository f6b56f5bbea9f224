import type { Db, Sql } from '../platform/database.ts';
import { log } from '../platform/log.ts';
import { apiKeyIdOf } from './registry.ts';
import type { Subscriber } from './subscriber.ts';

/** One API key's open streams on this instance, as written to `terminal_presence`. */
export type PresenceRow = {
  apiKeyId: string;
  streams: number;
  /** When the first of them opened (ms since epoch). */
  connectedAt: number;
  /** The id the one furthest behind is caught up to; null while none has fixed its starting point. */
  lastEventIdSent: number | null;
};

/** How many intervals a row stays "connected" without a fresh write: two missed beats are tolerated. */
export const PRESENCE_TTL_BEATS = 3;

/**
 * Where a stream stands in its tenant's outbox. A live stream has been handed every event up to its
 * tenant feed's cursor (fan-out is synchronous), whether it was sent or passed over by the stream's
 * `types`: a kitchen screen that only takes orders is not "behind" by the loyalty events it never
 * wanted. A stream still replaying stands at the last id its replay sent. Unknown (null) before its
 * starting point is fixed.
 */
export function positionOf(sub: Subscriber, feedCursor: number | null): number | null {
  if (sub.live) return Math.max(sub.lastSentId, feedCursor ?? sub.lastSentId);
  return sub.lastSentId >= 0 ? sub.lastSentId : null;
}

/** This instance's presence, one row per API key with open streams (admin pages are not terminals). Pure. */
export function presenceRows(streams: Iterable<Subscriber>, feedCursor: (tenantId: string) => number | null): PresenceRow[] {
  const rows = new Map<string, PresenceRow>();
  for (const sub of streams) {
    const apiKeyId = apiKeyIdOf(sub.streamKey);
    if (!apiKeyId || sub.closed) continue;
    const at = positionOf(sub, feedCursor(sub.tenantId));
    const row = rows.get(apiKeyId);
    if (!row) {
      rows.set(apiKeyId, { apiKeyId, streams: 1, connectedAt: sub.openedAt, lastEventIdSent: at });
      continue;
    }
    row.streams++;
    row.connectedAt = Math.min(row.connectedAt, sub.openedAt);
    if (at !== null) row.lastEventIdSent = row.lastEventIdSent === null ? at : Math.min(row.lastEventIdSent, at);
  }
  return [...rows.values()];
}

/**
 * Replace this instance's presence with `rows`, in one statement: upsert a row per key (fresh heartbeat
 * and expiry), delete this instance's rows for keys it no longer streams to, and record on those keys
 * that they were last seen now (api_keys.last_used_at), so "last seen" survives the row.
 */
export async function writePresence(sql: Db, instanceId: string, rows: PresenceRow[], ttlMs: number) {
  const keys = rows.map((r) => r.apiKeyId);
  await sql`
    with live as (
      select * from unnest(${keys}::uuid[], ${rows.map((r) => r.streams)}::int[],
        ${rows.map((r) => new Date(r.connectedAt).toISOString())}::timestamptz[],
        ${rows.map((r) => r.lastEventIdSent)}::bigint[]) as l(api_key_id, streams, connected_at, last_event_id_sent)
    ), gone as (
      delete from terminal_presence p
      where p.instance_id = ${instanceId} and not (p.api_key_id = any(${keys}::uuid[]))
      returning p.api_key_id
    ), seen as (
      update api_keys k set last_used_at = now() where k.id in (select api_key_id from gone)
    )
    insert into terminal_presence as p (instance_id, api_key_id, streams, connected_at, last_event_id_sent, heartbeat_at, expires_at)
    select ${instanceId}, l.api_key_id, l.streams, l.connected_at, l.last_event_id_sent, now(),
      now() + make_interval(secs => ${ttlMs / 1000})
    -- A key deleted since its stream opened has no row to point at (keys are revoked, not deleted, but a tenant can go).
    from live l join api_keys k on k.id = l.api_key_id
    on conflict (instance_id, api_key_id) do update set streams = excluded.streams, connected_at = excluded.connected_at,
      last_event_id_sent = excluded.last_event_id_sent, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`;
}

/**
 * The maintenance job: delete rows past their expiry (an instance that died without deleting its own),
 * first folding their last heartbeat into the key's last_used_at. Returns how many went.
 */
export async function prunePresence(sql: Sql): Promise<number> {
  const [{ n }] = await sql`
    with gone as (
      delete from terminal_presence where expires_at < now() returning api_key_id, heartbeat_at
    ), seen as (
      update api_keys k set last_used_at = g.at
      from (select api_key_id, max(heartbeat_at) as at from gone group by api_key_id) g
      where k.id = g.api_key_id and (k.last_used_at is null or k.last_used_at < g.at)
    )
    select count(*)::int as n from gone`;
  return n;
}

/**
 * This instance's side of terminal presence. It writes every `everyMs`, and at once (coalesced: a burst
 * of opens is one write) when a key's first stream opens or its last closes; never per event, because
 * the position of each stream is read from memory when the write happens. An instance with no terminal
 * streams that has nothing of its own in the table writes nothing at all.
 */
export class Presence {
  readonly instanceId = crypto.randomUUID();
  private timer: ReturnType<typeof setInterval> | null = null;
  private scheduled = false;
  private running: Promise<void> | null = null;
  private again = false;
  /** Whether this instance may have rows in the table (so an empty snapshot still needs a write). */
  private written = false;
  private stopped = true;
  private withdrawing = false;

  constructor(
    private readonly sql: Sql,
    private readonly everyMs: number,
    private readonly snapshot: () => PresenceRow[],
  ) {}

  get ttlMs() { return PRESENCE_TTL_BEATS * this.everyMs; }

  start() {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => { void this.flush(); }, this.everyMs);
  }

  /** A key's first stream opened or its last closed: write soon, once for however many changed meanwhile. */
  changed() {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => { this.scheduled = false; void this.flush(); }, 0);
  }

  /** Write the current snapshot; a call while a write runs is folded into one more write after it. */
  flush(): Promise<void> {
    if (this.running) { this.again = true; return this.running; }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          // Once stopped, only withdraw() writes (its empty snapshot): a write scheduled before the
          // stop must not race the pool's end.
          if (this.stopped && !this.withdrawing) return;
          await this.write(this.stopped ? [] : this.snapshot());
        } while (this.again);
      } catch (err) {
        // The rows expire by themselves if this keeps failing: terminals show grey, never stuck green.
        log.warn(`presence write failed (next try in ${this.everyMs} ms): ${String(err)}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stop writing (shutdown); the rows stay until withdraw() or their expiry. */
  stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Graceful shutdown: delete this instance's rows, so its terminals show disconnected at once. */
  async withdraw() {
    this.stop();
    await this.running;
    this.written = true;
    this.withdrawing = true;
    await this.flush();
  }

  private async write(rows: PresenceRow[]) {
    if (!rows.length && !this.written) return;
    if (this.withdrawing) {
      // A graceful shutdown's terminals reconnect to another instance at once: not "dropped off" (sql/0026).
      await this.sql.begin(async (tx) => {
        await tx`select set_config('tillstream.presence_withdraw', 'on', true)`;
        await writePresence(tx, this.instanceId, rows, this.ttlMs);
      });
    } else {
      await writePresence(this.sql, this.instanceId, rows, this.ttlMs);
    }
    this.written = rows.length > 0;
  }
}
