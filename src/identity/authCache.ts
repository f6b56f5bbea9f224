/**
 * The NOTIFY channel on which a credential change (a key revoked, a session ended, an admin or tenant
 * changed: sql/0029's triggers) tells every instance to forget what it cached.
 */
export const AUTH_CHANNEL = 'tillstream_auth';

type Entry<V> = { value: V; at: number };

/**
 * Resolved credentials kept in the process, so a request does not pay a database lookup for its API
 * key or admin session. Bounded (least recently used goes first) and trusted only while `usable()` says the instance
 * hears credential changes (its LISTEN connection is up): a change on any instance NOTIFYs
 * AUTH_CHANNEL and every listener calls clear(). Three backstops keep a revoked credential from
 * living on: entries expire after `ttlMs` whatever happens; while the listener is down nothing is read
 * from or written to the cache; and clear() runs on every (re)listen, since NOTIFYs sent during the gap
 * are lost. A lookup that was in flight when clear() ran is not stored (it may predate the change).
 * Only found credentials are kept: an unknown key asks the database every time, as before. Concurrent
 * misses of one key share one lookup.
 */
export class AuthCache<V> {
  private static readonly all = new Set<WeakRef<{ clear(): void }>>();
  private readonly entries = new Map<string, Entry<V>>();
  /** Lookups on their way to the database, by key, started since the last clear(). */
  private readonly inflight = new Map<string, Promise<V | null>>();
  private generation = 0;

  /** `fresh`: whether a cached value may still be served (a session past its expires_at may not). */
  constructor(private readonly opts: { max: number; ttlMs: number; usable: () => boolean; fresh?: (value: V) => boolean }) {
    AuthCache.all.add(new WeakRef(this));
  }

  /**
   * A credential (or the tenant a cached caller carries) is changing in this process: forget at once,
   * without waiting for this change's own NOTIFY to come back, so this instance's next request sees it.
   * Call it beside the change; the NOTIFY sent with the change at commit clears again, everywhere.
   */
  static clearAll() {
    for (const ref of AuthCache.all) {
      const cache = ref.deref();
      if (cache) cache.clear(); else AuthCache.all.delete(ref);
    }
  }

  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const usable = this.opts.usable();
    if (usable) {
      const hit = this.entries.get(key);
      if (hit && Date.now() - hit.at < this.opts.ttlMs && (this.opts.fresh?.(hit.value) ?? true)) {
        // Re-inserted so the Map's order is least recently used first.
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit.value;
      }
      if (hit) this.entries.delete(key);
    }
    if (!usable) return load();
    // A reconnect storm brings many streams of one key at once (a restarted instance's cache is empty):
    // they share the lookup already on its way instead of each asking the database.
    const joined = this.inflight.get(key);
    if (joined) return joined;
    const lookup = this.lookup(key, load);
    this.inflight.set(key, lookup);
    try {
      return await lookup;
    } finally {
      if (this.inflight.get(key) === lookup) this.inflight.delete(key);
    }
  }

  private async lookup(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const generation = this.generation;
    const at = Date.now();
    const value = await load();
    if (value !== null && generation === this.generation && this.opts.usable()) {
      this.entries.set(key, { value, at });
      for (const oldest of this.entries.keys()) {
        if (this.entries.size <= this.opts.max) break;
        this.entries.delete(oldest);
      }
    }
    return value;
  }

  /** Forget everything, including lookups still in flight (a later get() starts its own). */
  clear() {
    this.generation++;
    this.entries.clear();
    this.inflight.clear();
  }

  get size() {
    return this.entries.size;
  }
}
