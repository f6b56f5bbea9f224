import type { Sql } from '../platform/database.ts';
import { outboxEvent, type OutboxRow } from './envelope.ts';
import type { HubEvent, Subscriber } from './subscriber.ts';
import { dbFailure } from '../platform/dbFailure.ts';
import { log } from '../platform/log.ts';

const FETCH_PAGE = 1000;

/** One tenant's streams on this instance and how far through its outbox they have been fed. */
export type TenantFeed = {
  readonly tenantId: string;
  tenantSlug: string;
  /** Highest event id fetched and handed on; everything above comes from the next fetch. */
  cursor: number;
  /** The committed event_seq when this feed was created. */
  initialCursor: number;
  readonly subs: Set<Subscriber>;
  /** Settles once the first cursor is loaded (rejects when the tenant cannot be read). */
  ready: Promise<void>;
  loaded: boolean;
  fetching: boolean;
  /** A wake arrived while a fetch ran (or before the cursor was loaded): fetch again. */
  dirty: boolean;
  /** The last stream left: any fetch still running stops handing events on. */
  dropped: boolean;
};

/**
 * Per-tenant cursors over the outbox, gap-free because a tenant's ids strictly increase in commit order
 * (invariant I6): the first stream of a tenant fixes the tenant's cursor at the committed `event_seq`;
 * every notify (and every relisten) fetches `id > cursor` in order, coalescing concurrent wakes into one
 * running fetch, and hands each row on in id order.
 */
export class TenantFeeds {
  private readonly feeds = new Map<string, TenantFeed>();

  constructor(
    private readonly sql: Sql,
    private readonly onEvent: (feed: TenantFeed, event: HubEvent) => void,
  ) {}

  get size() { return this.feeds.size; }

  /** Add a stream to its tenant's feed and fix its starting point (see Subscriber.startAfter). */
  join(sub: Subscriber): TenantFeed {
    const feed = this.feeds.get(sub.tenantId) ?? this.create(sub.tenantId);
    sub.startAfter = feed.loaded ? feed.cursor : null;
    sub.started = feed.ready;
    feed.subs.add(sub);
    return feed;
  }

  /** How far this instance has fetched a tenant's outbox; null when nobody here watches it yet. */
  cursorOf(tenantId: string): number | null {
    const feed = this.feeds.get(tenantId);
    return feed?.loaded ? feed.cursor : null;
  }

  leave(sub: Subscriber) {
    const feed = this.feeds.get(sub.tenantId);
    if (!feed) return;
    feed.subs.delete(sub);
    if (feed.subs.size === 0) {
      feed.dropped = true;
      this.feeds.delete(sub.tenantId);
    }
  }

  /** A notification `<tenantId>:<seq>` from the listener. */
  notify(payload: string) {
    const i = payload.indexOf(':');
    const tenantId = i < 0 ? payload : payload.slice(0, i);
    const feed = this.feeds.get(tenantId);
    if (!feed) return; // nobody here watches this tenant: nothing to read
    const seq = i < 0 ? NaN : Number(payload.slice(i + 1));
    if (feed.loaded && seq <= feed.cursor) return; // already fetched (a transaction's events commit together)
    this.fetch(feed);
  }

  /** After every (re)listen: notifications sent while the connection was down are lost, so read the outbox. */
  catchUpAll() {
    for (const feed of this.feeds.values()) this.fetch(feed);
  }

  private create(tenantId: string): TenantFeed {
    const feed: TenantFeed = {
      tenantId, tenantSlug: '', cursor: 0, initialCursor: 0, subs: new Set(), ready: Promise.resolve(),
      loaded: false, fetching: false, dirty: false, dropped: false,
    };
    feed.ready = (async () => {
      const [row] = await this.sql`select t.slug, c.event_seq from tenant_counters c join tenants t on t.id = c.tenant_id
        where c.tenant_id = ${tenantId}`;
      if (!row) throw new Error(`tenant ${tenantId} has no event counter`);
      feed.tenantSlug = row.slug;
      feed.cursor = feed.initialCursor = row.event_seq;
      feed.loaded = true;
      // Wakes that arrived while the cursor was unknown were deferred: read now.
      if (feed.dirty) { feed.dirty = false; this.fetch(feed); }
    })();
    feed.ready.catch(() => {});
    this.feeds.set(tenantId, feed);
    return feed;
  }

  private fetch(feed: TenantFeed) {
    if (feed.fetching || !feed.loaded) { feed.dirty = true; return; }
    feed.fetching = true;
    (async () => {
      try {
        do {
          feed.dirty = false;
          for (;;) {
            const rows = await this.sql<OutboxRow[]>`select id, type, location_id, data, actor, iso(created_at) as created_at from events
              where tenant_id = ${feed.tenantId} and id > ${feed.cursor} order by id limit ${FETCH_PAGE}`;
            if (feed.dropped) return;
            for (const row of rows) {
              // Advanced before handing on: an event whose delivery throws is not fetched again.
              feed.cursor = row.id;
              this.onEvent(feed, outboxEvent(feed, row));
            }
            if (rows.length < FETCH_PAGE) break;
          }
        } while (feed.dirty && !feed.dropped);
      } catch (err) {
        if (feed.dropped) return;
        // An outage fails this every second until the database is back: one line, no stack, then.
        if (dbFailure(err)) log.warn(`event fetch failed (database unavailable); retrying in 1 s`);
        else log.error('event fetch failed; retrying in 1 s', err);
        feed.dirty = true;
        setTimeout(() => { feed.fetching = false; if (!feed.dropped && feed.dirty) this.fetch(feed); }, 1000);
        return;
      }
      feed.fetching = false;
    })();
  }
}
