import type { Config } from '../platform/config.ts';
import type { Sql } from '../platform/database.ts';
import type { Caller } from '../identity/caller.ts';
import { Metrics } from '../platform/metrics.ts';
import { endSink, hold, write } from './backPressure.ts';
import { fanOut } from './fanOut.ts';
import { Formats, type Render } from './formats.ts';
import { encodeText, formatRetry } from './frame.ts';
import { Heartbeat } from './heartbeat.ts';
import { startKeySweep, sweepRevokedKeys } from './keySweep.ts';
import { Presence, presenceRows } from './presence.ts';
import { Registry, apiKeyIdOf, streamKeyOf } from './registry.ts';
import { replayThenLive } from './replay.ts';
import { hiddenFrom } from './reach.ts';
import { newSubscriber, type CloseReason, type HubEvent, type Sink, type Subscriber } from './subscriber.ts';
import { TenantFeeds, type TenantFeed } from './tenantFeed.ts';
import { dbFailure } from '../platform/dbFailure.ts';
import { log } from '../platform/log.ts';
import { AuthCache } from '../identity/authCache.ts';
import type { KeyAuth } from '../identity/apiKeys.ts';
import { sessionIsFresh, type SessionAuth } from '../identity/sessions.ts';

export type OpenOptions = {
  caller: Caller;
  types: Set<string> | null;
  /** Only these sites' per-site events (see reach.ts); null: every site. The door decides it from the caller. */
  sites: ReadonlySet<string> | null;
  /** A parsed resume id, 'invalid' for an unusable one (answered with `reset`), null to start live. */
  resume: number | 'invalid' | null;
  format: string;
  sink: Sink;
  /**
   * A guest's stream (a wallet link: src/wallet/): its own cap key and limit instead of the caller's,
   * and a test on each event (Subscriber.only). Still one subscriber of the tenant's one feed.
   */
  guest?: { streamKey: string; cap: number; only: (e: HubEvent) => boolean };
};

/** An open stream, or the per-key cap's refusal (the door words it: 429 too_many_streams). */
export type Opened = { ok: true; subscriber: Subscriber } | { ok: false; reason: 'too_many_streams'; limit: number };

/**
 * The process's live event machinery, wired from one module per job: the registry (streams and the
 * per-key cap), tenant feeds (cursor and outbox fetch), fan-out, replay-then-live, back-pressure,
 * heartbeats and the sweep of revoked keys and ended sessions. This class only connects them and owns the close path.
 */
/** What the doors that stream are built from: the routes' Deps plus this process's hub. */
export type LiveDeps = { sql: Sql; config: Config; hub: Hub };

export class Hub {
  readonly sql: Sql;
  readonly config: Config;
  readonly metrics: Metrics;
  /** Set by the listener so readiness and /metrics can report it. */
  listenerUp: () => boolean = () => false;

  private readonly formats = new Formats();
  private readonly streams: Registry<Subscriber>;
  private readonly feeds: TenantFeeds;
  private readonly heartbeat = new Heartbeat();
  private stopSweep: (() => void) | null = null;
  private readonly sweeps: (() => Promise<void>)[] = [];
  private readonly retry: Uint8Array;
  /** This instance's terminals in Postgres, so every instance sees every terminal (presence.ts). */
  readonly presence: Presence;
  /** Resolved API keys, trusted while the listener hears credential changes (identity/authCache.ts). */
  readonly auth: AuthCache<KeyAuth>;
  /** Resolved admin sessions (by token hash), on the same terms, and never past their expires_at. */
  readonly sessions: AuthCache<SessionAuth>;

  /** `metrics`: the process's, when the pool was made before the hub and counts into it (main.ts). */
  constructor({ sql, config, metrics }: { sql: Sql; config: Config; metrics?: Metrics }) {
    this.sql = sql;
    this.metrics = metrics ?? new Metrics();
    this.config = config;
    this.retry = encodeText(formatRetry(config.SSE_RETRY_MS));
    this.streams = new Registry(config.SSE_MAX_STREAMS_PER_KEY);
    this.feeds = new TenantFeeds(sql, (feed, event) => this.deliver(feed, event));
    this.presence = new Presence(sql, config.PRESENCE_INTERVAL_MS,
      () => presenceRows(this.streams, (tenantId) => this.feeds.cursorOf(tenantId)));
    this.auth = new AuthCache({ max: config.AUTH_CACHE_MAX, ttlMs: config.AUTH_CACHE_TTL_MS, usable: () => this.listenerUp() });
    this.sessions = new AuthCache({
      max: config.AUTH_CACHE_MAX, ttlMs: config.AUTH_CACHE_TTL_MS, usable: () => this.listenerUp(), fresh: sessionIsFresh,
    });
  }

  /**
   * A credential changed, on this instance or (by NOTIFY) another: forget what it may touch now, and
   * sweep the streams now rather than at the next KEY_SWEEP_MS tick. The payload says what changed: an
   * admin ('admin:<id>', sql/0029) touches only sessions, so a site pick leaves every till's cached key
   * in place; a key ('key:<id>') only keys; a tenant, or anything else (a hand-written NOTIFY), both.
   */
  credentialsChanged(payload = '') {
    if (!payload.startsWith('admin:')) this.auth.clear();
    if (!payload.startsWith('key:')) this.sessions.clear();
    this.sweepRevokedKeys().catch((err) => log.warn(`stream sweep after a credential change failed (the next tick retries): ${String(err)}`));
  }

  /** Drop every cached key and session (a change was heard, or changes may have been missed). */
  forgetCredentials() {
    this.auth.clear();
    this.sessions.clear();
  }

  registerFormat(name: string, render: Render) {
    this.formats.register(name, render);
  }

  hasFormat(name: string) {
    return this.formats.has(name);
  }

  start() {
    if (this.stopSweep) return;
    this.heartbeat.start(this.config.SSE_HEARTBEAT_MS, this.streams, (sub, bytes) => this.send(sub, bytes));
    this.stopSweep = startKeySweep(this.config.KEY_SWEEP_MS, () => this.sweepRevokedKeys());
    this.presence.start();
  }

  /**
   * Shutdown: every stream is told to reconnect (a `retry:` hint, a random share of a window long
   * enough that the clients of this instance arrive at the others at about SSE_SHUTDOWN_RESUMES_PER_S,
   * and never shorter than SSE_RETRY_MS), then closed. The clients resume by id on another instance,
   * so nothing is missed; the window only delays when a client sees what it missed.
   */
  stop() {
    // First, so closing every stream below does not schedule presence writes.
    this.presence.stop();
    this.heartbeat.stop();
    this.stopSweep?.();
    this.stopSweep = null;
    const streams = this.streams.list();
    const windowMs = Math.max(this.config.SSE_RETRY_MS, (streams.length / this.config.SSE_SHUTDOWN_RESUMES_PER_S) * 1000);
    for (const sub of streams) {
      this.send(sub, encodeText(formatRetry(Math.random() * windowMs)));
      this.close(sub, 'shutdown');
    }
  }

  /** After stop(), on a graceful shutdown: delete this instance's presence rows (its terminals go grey at once). */
  withdraw() {
    return this.presence.withdraw();
  }

  get openStreams() { return this.streams.size; }
  get subscribedTenants() { return this.feeds.size; }
  streamsFor(streamKey: string) { return this.streams.streamsFor(streamKey); }

  /**
   * Register a stream and start its replay. Admission and registration are one synchronous step (so
   * the per-key cap cannot be raced past); the replay runs in the background and ends with the stream
   * live. `subscriber.started` settles once its starting point is fixed.
   */
  open(opts: OpenOptions): Opened {
    if (!this.formats.has(opts.format)) throw new Error(`unknown stream format ${opts.format}`);
    const streamKey = opts.guest?.streamKey ?? streamKeyOf(opts.caller);
    const admission = this.streams.admit(streamKey, opts.guest?.cap);
    if (!admission.ok) return { ok: false, reason: 'too_many_streams', limit: admission.limit };
    const sub = newSubscriber({
      tenantId: opts.caller.tenantId, streamKey, sessionId: opts.caller.sessionId ?? null, types: opts.types, sites: opts.sites, format: opts.format, sink: opts.sink,
      hidden: hiddenFrom(opts.caller), only: opts.guest?.only ?? null,
      // An admin session's stream carries that admin's own notification events (reach.ts); a key's none.
      admin: opts.caller.keyId ? null : opts.caller.adminId,
      slice: this.heartbeat.nextSlice(),
    });
    this.streams.add(sub);
    const firstOfKey = this.isTerminalEdge(streamKey, 1);
    if (firstOfKey) this.presence.changed();
    const feed = this.feeds.join(sub);
    this.metrics.streamsOpened++;
    this.send(sub, this.retry);
    const ctx = { sql: this.sql, formats: this.formats, metrics: this.metrics, send: this.send, close: this.close };
    replayThenLive(sub, feed, opts.resume, ctx).then(() => {
      // The terminal's position is known now (the write at open could only say "connected").
      if (firstOfKey && !sub.closed) this.presence.changed();
    }).catch((err) => {
      // The client reconnects and resumes by id; an outage needs no stack per stream.
      if (!sub.closed) {
        if (dbFailure(err)) log.warn('event stream replay failed (database unavailable); the client will resume');
        else log.error('event stream replay failed', err);
      }
      this.close(sub, 'error');
    });
    return { ok: true, subscriber: sub };
  }

  /** Idempotent: every kind of disconnect (cancel, abort signal, drop, revoke, shutdown) ends here. */
  close = (sub: Subscriber, reason: CloseReason) => {
    if (sub.closed) return;
    sub.closed = true;
    sub.pending = [];
    this.streams.remove(sub);
    this.feeds.leave(sub);
    if (this.isTerminalEdge(sub.streamKey, 0)) this.presence.changed();
    if (reason === 'slow') this.metrics.slowClientDrops++;
    if (reason === 'revoked') this.metrics.streamsRevoked++;
    endSink(sub.sink, reason);
  };

  /** A notification `<tenantId>:<seq>` from the listener. */
  notify(payload: string) {
    this.feeds.notify(payload);
  }

  /** After every (re)listen: notifications sent while the connection was down are lost, so read the outbox. */
  catchUpAll() {
    this.feeds.catchUpAll();
  }

  /**
   * Sign-out on this instance: the session's streams close now, not at the next sweep (which is how
   * the other instances learn of it).
   */
  closeSession(sessionId: string) {
    for (const sub of this.streams.ofSession(sessionId)) this.close(sub, 'revoked');
  }

  /** Close every stream counted against one cap key here (a revoked guest wallet link's: `wallet:<id>`). */
  closeStreamsOf(streamKey: string) {
    if (this.streams.streamsFor(streamKey) === 0) return;
    for (const sub of this.streams.list()) if (sub.streamKey === streamKey) this.close(sub, 'revoked');
  }

  /** The cap keys with open streams here that start with `prefix` (a sweep of guest links reads these). */
  streamKeysWith(prefix: string): string[] {
    return this.streams.keysWith(prefix);
  }

  /** Close the streams of revoked keys and ended admin sessions (see keySweep.ts), and run the doors' own sweeps. */
  async sweepRevokedKeys() {
    await Promise.all([sweepRevokedKeys(this.sql, this.streams, (sub) => this.close(sub, 'revoked')), ...this.sweeps.map((s) => s())]);
  }

  /** A door's own check of its streams' credentials (guest wallet links), run with the key sweep. */
  addSweep(sweep: () => Promise<void>) {
    this.sweeps.push(sweep);
  }

  /**
   * A terminal (an API key's streams) just connected (its first stream here) or disconnected (its last):
   * presence is written at once for these edges, and otherwise only on its interval.
   */
  private isTerminalEdge(streamKey: string | null, edge: 0 | 1): boolean {
    return apiKeyIdOf(streamKey) !== null && this.streams.streamsFor(streamKey!) === edge;
  }

  /** Write bytes to a stream; a client past its queue limit is dropped (it reconnects and resumes by id). */
  private send = (sub: Subscriber, bytes: Uint8Array) => {
    if (sub.closed) return;
    const outcome = write(sub.sink, bytes);
    if (outcome === 'slow') this.close(sub, 'slow');
    else if (outcome === 'gone') this.close(sub, 'client');
  };

  private deliver(feed: TenantFeed, event: HubEvent) {
    this.metrics.observeLag(Date.now() - Date.parse(event.createdAt));
    fanOut(event, feed.subs, this.formats, {
      deliver: (sub, bytes) => { this.metrics.eventsDelivered++; this.send(sub, bytes); },
      hold: (sub, id, bytes) => { if (!hold(sub, id, bytes, this.config.SSE_CLIENT_QUEUE_BYTES)) this.close(sub, 'slow'); },
    });
  }
}
