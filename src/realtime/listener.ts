import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import type { Config } from '../platform/config.ts';
import { reconnectBackoff, type Sql } from '../platform/database.ts';
import { reportListenerDown } from '../notifications/notifications.ts';
import { log } from '../platform/log.ts';
import type { Hub } from './hub.ts';
import { AUTH_CHANNEL } from '../identity/authCache.ts';

const EVENTS_CHANNEL = 'events';
const HEARTBEAT_CHANNEL = 'tillstream_listener_heartbeat';
/** How many heartbeat intervals may pass without our own heartbeat arriving before the connection is declared dead. */
const MISSED_INTERVALS = 2.5;
/** After a failed reconnect (Postgres still down), the next try comes this soon, so streams resume promptly. */
const RETRY_MS = 1000;

/**
 * The process's one LISTEN connection, on a direct connection (LISTEN through PgBouncer in transaction
 * mode silently receives nothing). postgres.js re-listens after a closed connection and calls onlisten;
 * a connection that dies silently (no FIN, a black-holed route) is caught by a heartbeat: every
 * LISTENER_HEARTBEAT_MS the pool NOTIFYs this instance's id, and if it does not come back on the listen
 * connection within ~2.5 intervals the connection is torn down and re-created. Every (re)listen makes
 * the hub catch up from the outbox, since notifications sent while it was down are lost.
 */
export class Listener {
  readonly instanceId = randomUUID();
  private conn: postgres.Sql | null = null;
  private listening = false;
  private lastBeat = 0;
  private listens = 0;
  private beat = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private reconnecting = false;
  private stopped = false;
  /** No reconnect before this time: set after a failed one. */
  private retryAt = 0;
  /** Since when this listener has been down (null: up), and whether the owners were told (once per outage). */
  private downSince: number | null = null;
  private downReported = false;

  private readonly wakes: ((payload: string) => void)[] = [];

  constructor(private readonly opts: { url: string; sql: Sql; hub: Hub; config: Config }) {
    opts.hub.listenerUp = () => this.isUp();
  }

  async start() {
    this.stopped = false;
    await this.connect();
    const every = this.opts.config.LISTENER_HEARTBEAT_MS;
    let ticks = 0;
    // Checked four times per interval so a dead connection is replaced within ~2.5-2.75 intervals.
    this.timer = setInterval(() => {
      if (ticks++ % 4 === 0) {
        this.opts.sql.notify(HEARTBEAT_CHANNEL, `${this.instanceId}:${++this.beat}`).catch(() => {});
      }
      if (Date.now() - this.lastBeat > every * MISSED_INTERVALS && Date.now() >= this.retryAt) this.reconnect();
      this.watchOutage();
    }, Math.max(25, Math.floor(every / 4)));
  }

  /**
   * Also wake `fn` on every events NOTIFY (`<tenant>:<seq>`) and after every (re)listen (with ''): the
   * webhook worker rides this connection rather than opening its own.
   */
  onNotify(fn: (payload: string) => void) {
    this.wakes.push(fn);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listening = false;
    const conn = this.conn;
    this.conn = null;
    await conn?.end({ timeout: 0 }).catch(() => {});
  }

  /**
   * Only the listener knows it is down (no event marks it): past LISTENER_DOWN_NOTIFY_MS it writes a
   * notification for the owners, once per outage, and notify_listener_down() keeps several instances
   * noticing the same outage to one row per owner. A failed write (Postgres away) is tried next tick.
   */
  private watchOutage() {
    if (this.isUp()) {
      this.downSince = null;
      this.downReported = false;
      return;
    }
    this.downSince ??= Date.now();
    if (this.downReported || Date.now() - this.downSince < this.opts.config.LISTENER_DOWN_NOTIFY_MS) return;
    this.downReported = true;
    reportListenerDown(this.opts.sql, this.instanceId, new Date(this.downSince)).catch(() => { this.downReported = false; });
  }

  /** Up when listening and our own heartbeat came back recently. */
  isUp() {
    return this.listening && Date.now() - this.lastBeat <= this.opts.config.LISTENER_HEARTBEAT_MS * MISSED_INTERVALS;
  }

  private async connect() {
    const conn = postgres(this.opts.url, {
      max: 1, onnotice: () => {}, idle_timeout: 0, connect_timeout: this.opts.config.DB_CONNECT_TIMEOUT_MS / 1000,
      // postgres.js re-listens by itself after a dropped connection; its default backoff grows to 20 s,
      // which would hold open streams back that long after Postgres returns.
      backoff: reconnectBackoff,
      connection: { application_name: 'tillstream-listener' },
    });
    this.conn = conn;
    // lastBeat is left as it was until onListen: a connect that fails leaves it stale, so the next try
    // is due RETRY_MS later rather than a whole grace period of heartbeats.
    const onListen = () => {
      if (this.conn !== conn) return;
      this.opts.hub.forgetCredentials();
      this.listening = true;
      this.lastBeat = Date.now();
      if (this.listens++ > 0) this.opts.hub.metrics.listenerReconnects++;
      this.opts.hub.catchUpAll();
      for (const wake of this.wakes) wake('');
    };
    await conn.listen(HEARTBEAT_CHANNEL, (payload) => {
      if (this.conn === conn && payload.startsWith(this.instanceId)) this.lastBeat = Date.now();
    });
    // A credential changed somewhere. Every (re)listen also drops the cache: changes during the gap were not heard.
    await conn.listen(AUTH_CHANNEL, (payload) => {
      if (this.conn === conn) this.opts.hub.credentialsChanged(payload);
    }, () => {
      if (this.conn === conn) this.opts.hub.forgetCredentials();
    });
    await conn.listen(EVENTS_CHANNEL, (payload) => {
      if (this.conn !== conn) return;
      this.opts.hub.notify(payload);
      for (const wake of this.wakes) wake(payload);
    }, onListen);
  }

  private async reconnect() {
    if (this.reconnecting || this.stopped) return;
    this.reconnecting = true;
    this.listening = false;
    const old = this.conn;
    this.conn = null;
    try {
      old?.end({ timeout: 0 }).catch(() => {});
      await this.connect();
    } catch (err) {
      // Postgres is still away: try again soon (streams stay open meanwhile; heartbeats need no database).
      log.warn(`event listener could not reconnect (retrying in ${RETRY_MS} ms): ${String(err)}`);
      this.retryAt = Date.now() + RETRY_MS;
      const failed = this.conn as postgres.Sql | null;
      this.conn = null;
      failed?.end({ timeout: 0 }).catch(() => {});
    } finally {
      this.reconnecting = false;
    }
  }
}
