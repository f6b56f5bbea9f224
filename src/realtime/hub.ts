import type { Config } from '../platform/config.ts';
import type { Sql } from '../platform/database.ts';
import type { Caller } from '../identity/caller.ts';
import { ApiError } from '../platform/errors.ts';
import { Metrics } from '../platform/metrics.ts';
import { encodeFrame, encodeText, formatComment, formatRetry } from './frame.ts';
import { toEnvelope } from '../events/envelope.ts';

/** One committed outbox row, as renderers see it. */
export type HubEvent = {
  tenantId: string;
  tenantSlug: string;
  id: number;
  type: string;
  data: any;
  actor: string | null;
  createdAt: string;
};

/** Renders an event's SSE `data:` payload for one format (may span lines); null skips the event. */
export type Render = (event: HubEvent) => string | null;

type Sink = Pick<ReadableStreamDefaultController<Uint8Array>, 'enqueue' | 'close' | 'error' | 'desiredSize'>;

export type CloseReason = 'client' | 'slow' | 'revoked' | 'shutdown' | 'error';

/** One open stream. Registered before its replay so no live event can slip between replay and live. */
export type Subscriber = {
  readonly tenantId: string;
  readonly streamKey: string | null;
  readonly types: Set<string> | null;
  readonly format: string;
  readonly sink: Sink;
  /** Which heartbeat tick this stream belongs to (see start()). */
  readonly slice: number;
  lastSentId: number;
  /** The tenant cursor at registration (null: the tenant's first cursor, still loading). */
  startAfter: number | null;
  live: boolean;
  /** Live frames that arrived during the replay, flushed (skipping ids already sent) when it ends. */
  pending: { id: number; bytes: Uint8Array }[];
  pendingBytes: number;
  closed: boolean;
  /** Settles once the subscriber's starting point is fixed: a client told "open" after this misses nothing. */
  readonly started: Promise<void>;
};

type TenantState = {
  tenantId: string;
  slug: string;
  /** Highest event id this hub has fetched and fanned out; everything above comes from the next fetch. */
  cursor: number;
  /** The committed event_seq when this state was created. */
  initialCursor: number;
  subs: Set<Subscriber>;
  ready: Promise<void>;
  loaded: boolean;
  fetching: boolean;
  dirty: boolean;
  dropped: boolean;
};

const FETCH_PAGE = 1000;
const HEARTBEAT_SLICES = 10;
const REPLAY_PAGE = 500;

export type OpenOptions = {
  caller: Caller;
  types: Set<string> | null;
  /** A parsed resume id, 'invalid' for an unusable one (answered with `reset`), null to start live. */
  resume: number | 'invalid' | null;
  format: string;
  sink: Sink;
};

/**
 * Subscribers per tenant, fed from the outbox. Protocol (gap-free, see DESIGN I6): the first subscriber
 * of a tenant fixes the tenant's cursor at the committed `event_seq`; every notify (and every relisten)
 * fetches `id > cursor` in order, coalescing concurrent wakes. Each event is rendered and encoded at most
 * once per format, and the same bytes are enqueued on every matching stream.
 */
export class Hub {
  readonly sql: Sql;
  readonly config: Config;
  readonly metrics = new Metrics();
  /** Set by the listener so readiness and /metrics can report it. */
  listenerUp: () => boolean = () => false;

  private readonly formats = new Map<string, Render>();
  private readonly tenants = new Map<string, TenantState>();
  private readonly perKey = new Map<string, number>();
  private readonly all = new Set<Subscriber>();
  private opened = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private readonly heartbeat = encodeText(formatComment('hb'));
  private readonly retry: Uint8Array;

  constructor({ sql, config }: { sql: Sql; config: Config }) {
    this.sql = sql;
    this.config = config;
    this.retry = encodeText(formatRetry(config.SSE_RETRY_MS));
    this.registerFormat('json', (e) => JSON.stringify(toEnvelope(e)));
  }

  registerFormat(name: string, render: Render) {
    this.formats.set(name, render);
  }

  hasFormat(name: string) {
    return this.formats.has(name);
  }

  /**
   * Timers: the heartbeat and the revoked-key sweep. Streams are split into HEARTBEAT_SLICES groups by
   * when they opened, and each tick writes to one group, so every stream still gets a comment once per
   * SSE_HEARTBEAT_MS but 10,000 streams never take 10,000 socket writes at once: an event committed
   * just after a heartbeat would otherwise queue behind all of them.
   */
  start() {
    if (this.timers.length) return;
    let tick = 0;
    const hb = setInterval(() => {
      const slice = tick++ % HEARTBEAT_SLICES;
      for (const sub of this.all) if (sub.slice === slice) this.write(sub, this.heartbeat);
    }, Math.max(1, Math.floor(this.config.SSE_HEARTBEAT_MS / HEARTBEAT_SLICES)));
    const sweep = setInterval(() => { this.sweepRevokedKeys().catch((err) => console.error('key sweep failed', err)); }, this.config.KEY_SWEEP_MS);
    this.timers = [hb, sweep];
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const sub of [...this.all]) this.close(sub, 'shutdown');
  }

  get openStreams() { return this.all.size; }
  get subscribedTenants() { return this.tenants.size; }
  streamsFor(streamKey: string) { return this.perKey.get(streamKey) ?? 0; }

  /**
   * Register a stream and start its replay. Registration is synchronous (so the per-key cap cannot be
   * raced past); the replay runs in the background and ends with the stream live.
   */
  open(opts: OpenOptions): Subscriber {
    const render = this.formats.get(opts.format);
    if (!render) throw new Error(`unknown stream format ${opts.format}`);
    const streamKey = opts.caller.keyId ? `key:${opts.caller.keyId}` : opts.caller.adminId ? `admin:${opts.caller.adminId}` : null;
    if (streamKey && this.streamsFor(streamKey) >= this.config.SSE_MAX_STREAMS_PER_KEY) {
      throw new ApiError(429, 'too_many_streams',
        `At most ${this.config.SSE_MAX_STREAMS_PER_KEY} event streams may be open per API key; close one first.`,
        { limit: this.config.SSE_MAX_STREAMS_PER_KEY });
    }
    const sub: Subscriber = {
      tenantId: opts.caller.tenantId, streamKey, types: opts.types, format: opts.format, sink: opts.sink,
      slice: this.opened++ % HEARTBEAT_SLICES, lastSentId: -1, startAfter: null, live: false, pending: [], pendingBytes: 0, closed: false,
      started: Promise.resolve(),
    };
    this.all.add(sub);
    if (streamKey) this.perKey.set(streamKey, this.streamsFor(streamKey) + 1);
    const state = this.tenantState(opts.caller.tenantId);
    sub.startAfter = state.loaded ? state.cursor : null;
    (sub as { started: Promise<void> }).started = state.ready;
    state.subs.add(sub);
    this.metrics.streamsOpened++;
    this.write(sub, this.retry);
    this.attach(sub, state, opts.resume).catch((err) => {
      if (!sub.closed) console.error('event stream replay failed', err);
      this.close(sub, 'error');
    });
    return sub;
  }

  /** Idempotent: every kind of disconnect (cancel, abort signal, drop, revoke) ends here. */
  close(sub: Subscriber, reason: CloseReason) {
    if (sub.closed) return;
    sub.closed = true;
    sub.pending = [];
    this.all.delete(sub);
    if (sub.streamKey) {
      const n = this.streamsFor(sub.streamKey) - 1;
      if (n > 0) this.perKey.set(sub.streamKey, n); else this.perKey.delete(sub.streamKey);
    }
    const state = this.tenants.get(sub.tenantId);
    if (state) {
      state.subs.delete(sub);
      if (state.subs.size === 0) { state.dropped = true; this.tenants.delete(sub.tenantId); }
    }
    if (reason === 'slow') this.metrics.slowClientDrops++;
    if (reason === 'revoked') this.metrics.streamsRevoked++;
    try {
      // A slow client's queue is full: error() discards it and resets the socket now; close() would
      // wait for the queue to drain first. No reason object: Bun prints any error a response body ends
      // with, and a slow drop is routine (counted in /metrics; a replay failure is logged in open()).
      if (reason === 'slow' || reason === 'error') sub.sink.error(undefined);
      else if (reason !== 'client') sub.sink.close();
    } catch { /* already closed by the runtime */ }
  }

  /** A notification `<tenantId>:<seq>` from the listener. */
  notify(payload: string) {
    const i = payload.indexOf(':');
    const tenantId = i < 0 ? payload : payload.slice(0, i);
    const state = this.tenants.get(tenantId);
    if (!state) return; // nobody here watches this tenant: nothing to read
    const seq = i < 0 ? NaN : Number(payload.slice(i + 1));
    if (state.loaded && seq <= state.cursor) return; // already fetched (a transaction's events commit together)
    this.fetch(state);
  }

  /** After every (re)listen: notifications sent while the connection was down are lost, so read the outbox. */
  catchUpAll() {
    for (const state of this.tenants.values()) this.fetch(state);
  }

  private tenantState(tenantId: string): TenantState {
    let state = this.tenants.get(tenantId);
    if (state) return state;
    const s: TenantState = {
      tenantId, slug: '', cursor: 0, initialCursor: 0, loaded: false, subs: new Set(), fetching: false, dirty: false,
      dropped: false, ready: Promise.resolve(),
    };
    s.ready = (async () => {
      const [row] = await this.sql`select t.slug, c.event_seq from tenant_counters c join tenants t on t.id = c.tenant_id
        where c.tenant_id = ${tenantId}`;
      if (!row) throw new Error(`tenant ${tenantId} has no event counter`);
      s.slug = row.slug;
      s.cursor = s.initialCursor = row.event_seq;
      s.loaded = true;
      // Wakes that arrived while the cursor was unknown were deferred: read now.
      if (s.dirty) { s.dirty = false; this.fetch(s); }
    })();
    s.ready.catch(() => {});
    this.tenants.set(tenantId, s);
    return s;
  }

  private fetch(state: TenantState) {
    if (state.fetching || !state.loaded) { state.dirty = true; return; }
    state.fetching = true;
    (async () => {
      try {
        do {
          state.dirty = false;
          for (;;) {
            const rows = await this.sql`select id, type, data, actor, iso(created_at) as created_at from events
              where tenant_id = ${state.tenantId} and id > ${state.cursor} order by id limit ${FETCH_PAGE}`;
            if (state.dropped) return;
            this.fanOut(state, rows.map((r) => this.toEvent(state, r)));
            if (rows.length < FETCH_PAGE) break;
          }
        } while (state.dirty && !state.dropped);
      } catch (err) {
        if (state.dropped) return;
        console.error('event fetch failed; retrying', err);
        state.dirty = true;
        setTimeout(() => { state.fetching = false; if (!state.dropped && state.dirty) this.fetch(state); }, 1000);
        return;
      }
      state.fetching = false;
    })();
  }

  private toEvent(state: { tenantId: string; slug: string }, r: any): HubEvent {
    return { tenantId: state.tenantId, tenantSlug: state.slug, id: r.id, type: r.type, data: r.data, actor: r.actor, createdAt: r.created_at };
  }

  /** Encode each event once per format, then write the same bytes to every matching subscriber. */
  private fanOut(state: TenantState, events: HubEvent[]) {
    const now = Date.now();
    for (const e of events) {
      state.cursor = e.id;
      this.metrics.observeLag(now - Date.parse(e.createdAt));
      const frames = new Map<string, Uint8Array | null>();
      for (const sub of state.subs) {
        if (sub.types && !sub.types.has(e.type)) continue;
        let bytes = frames.get(sub.format);
        if (bytes === undefined) {
          bytes = this.encode(sub.format, e);
          frames.set(sub.format, bytes);
        }
        if (bytes === null) continue;
        if (sub.live) {
          if (e.id <= sub.lastSentId) continue;
          sub.lastSentId = e.id;
          this.metrics.eventsDelivered++;
          this.write(sub, bytes);
        } else {
          sub.pending.push({ id: e.id, bytes });
          sub.pendingBytes += bytes.byteLength;
          if (sub.pendingBytes > this.config.SSE_CLIENT_QUEUE_BYTES) this.close(sub, 'slow');
        }
      }
    }
  }

  private encode(format: string, e: HubEvent): Uint8Array | null {
    const data = this.formats.get(format)!(e);
    return data === null ? null : encodeFrame({ id: e.id, event: e.type, data });
  }

  /**
   * Enqueue bytes. A client whose queue is already past SSE_CLIENT_QUEUE_BYTES (the socket is not taking
   * them) is dropped instead: it reconnects and resumes by id. Checked before the write, so one large
   * frame never drops a client that keeps up; the queue is bounded by the limit plus one frame.
   */
  private write(sub: Subscriber, bytes: Uint8Array) {
    if (sub.closed) return;
    if ((sub.sink.desiredSize ?? 0) < 0) {
      this.close(sub, 'slow');
      return;
    }
    try {
      sub.sink.enqueue(bytes);
    } catch {
      this.close(sub, 'client');
    }
  }

  /**
   * Replay what the client missed, then flush the live frames buffered meanwhile, then go live.
   * `start` is the tenant cursor when the subscriber registered: every id above it reaches the
   * subscriber through the hub (buffered in `pending`), so the replay covers (resume, start] only.
   */
  private async attach(sub: Subscriber, state: TenantState, resume: number | 'invalid' | null) {
    await state.ready;
    if (sub.closed) return;
    const start = sub.startAfter ?? state.initialCursor;
    let after = start;
    if (resume !== null) {
      const [counters] = await this.sql`select event_seq, events_pruned_through from tenant_counters
        where tenant_id = ${sub.tenantId}`;
      if (sub.closed) return;
      const seq: number = counters.event_seq;
      const reason = resume === 'invalid' ? 'invalid' : resume > seq ? 'future'
        : resume < counters.events_pruned_through ? 'pruned' : null;
      if (reason) {
        // The client reloads its state, which then includes everything up to seq: continue after it.
        this.reset(sub, reason, seq);
        after = seq;
      } else {
        after = resume as number;
      }
    }
    sub.lastSentId = after;

    const render = this.formats.get(sub.format)!;
    const types = sub.types ? [...sub.types] : null;
    while (sub.lastSentId < start) {
      // The page and the tenant's prune mark come from one statement, so one snapshot: if retention
      // pruned past this client's position since the last page (a long replay at a slow client's pace),
      // the rows it still needs are gone and it must reload (`reset`) rather than skip them silently.
      const page = await this.sql`select c.events_pruned_through as pruned, e.id, e.type, e.data, e.actor,
          iso(e.created_at) as created_at
        from tenant_counters c left join lateral (
          select * from events
          where tenant_id = c.tenant_id and id > ${sub.lastSentId} and id <= ${start}
            ${types ? this.sql`and type = any(${types})` : this.sql``}
          order by id limit ${REPLAY_PAGE}) e on true
        where c.tenant_id = ${sub.tenantId}`;
      if (sub.closed) return;
      if (page[0].pruned > sub.lastSentId) {
        this.reset(sub, 'pruned', start);
        sub.lastSentId = start;
        break;
      }
      const rows = page.filter((r) => r.id !== null);
      for (const r of rows) {
        const e = this.toEvent(state, r);
        sub.lastSentId = e.id;
        const data = render(e);
        if (data === null) continue;
        // A replay is read at the client's pace: wait for its queue to drain rather than drop it.
        if ((sub.sink.desiredSize ?? 0) < 0 && !(await this.drained(sub))) return this.close(sub, 'slow');
        this.metrics.eventsReplayed++;
        this.write(sub, encodeFrame({ id: e.id, event: e.type, data }));
      }
      if (sub.closed) return;
      if (rows.length < REPLAY_PAGE) break;
    }
    if (sub.closed) return;
    sub.lastSentId = Math.max(sub.lastSentId, start);
    for (const p of sub.pending) {
      if (p.id <= sub.lastSentId) continue;
      sub.lastSentId = p.id;
      this.metrics.eventsDelivered++;
      this.write(sub, p.bytes);
    }
    sub.pending = [];
    sub.pendingBytes = 0;
    sub.live = true;
  }

  /** Tell the client to reload its state (which then includes everything up to `id`) and carry on after `id`. */
  private reset(sub: Subscriber, reason: 'invalid' | 'future' | 'pruned', id: number) {
    this.write(sub, encodeFrame({ id, event: 'reset', data: JSON.stringify({ reason, lastEventId: String(id) }) }));
  }

  /** Wait up to ~10 s for a replaying client's queue to come back under its limit. */
  private async drained(sub: Subscriber): Promise<boolean> {
    for (let i = 0; i < 1000 && !sub.closed; i++) {
      if ((sub.sink.desiredSize ?? 0) >= 0) return true;
      await Bun.sleep(10);
    }
    return false;
  }

  /** Close streams whose API key was revoked or deleted: one query per sweep, however many streams. */
  async sweepRevokedKeys() {
    const keyIds = [...this.perKey.keys()].filter((k) => k.startsWith('key:')).map((k) => k.slice(4));
    if (!keyIds.length) return;
    const rows = await this.sql`select id from api_keys where id = any(${keyIds}::uuid[]) and revoked_at is null`;
    const live = new Set(rows.map((r) => `key:${r.id}`));
    for (const sub of [...this.all]) {
      if (sub.streamKey?.startsWith('key:') && !live.has(sub.streamKey)) this.close(sub, 'revoked');
    }
  }
}
