import type { Sql } from '../platform/database.ts';
import type { FragmentContext } from './fragments.tsx';

/** A name not known yet fetches its tenant again at most this often (an unknown actor must not hammer). */
const MISS_RETRY_MS = 1000;

/**
 * Names the live fragments need but events do not carry: who an actor is ("admin:<id>" → their
 * email, "key:<id>" → the key's name) and each tenant's currency. The hub renders synchronously, so
 * these come from an in-memory copy, per tenant, of the tenants whose admin pages this process serves:
 * loaded when a page of the tenant opens its stream, refreshed in the background every `everyMs`. A name not known yet
 * renders generically and is fetched for the next event. One deployment serves many restaurants, so
 * nothing here reads the whole of `admins` or `api_keys`.
 */
export class Directory implements FragmentContext {
  private actors = new Map<string, string>();
  private currencies = new Map<string, string>();
  private zones = new Map<string, string>();
  private known = new Set<string>();
  private loading = new Map<string, Promise<void>>();
  private lastTried = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private sql: Sql, private everyMs = 30_000) {}

  /** Load (or reload) these tenants' names; concurrent calls for one tenant share one load. */
  async load(tenantIds: string[]): Promise<void> {
    const todo = tenantIds.filter((id) => !this.loading.has(id));
    const waits = tenantIds.map((id) => this.loading.get(id)).filter(Boolean);
    if (todo.length) {
      const p = (async () => {
        try {
          const [admins, keys, tenants] = await Promise.all([
            this.sql`select id, email from admins where tenant_id = any(${todo}::uuid[])`,
            this.sql`select id, name, prefix from api_keys where tenant_id = any(${todo}::uuid[])`,
            this.sql`select id, currency, time_zone from tenants where id = any(${todo}::uuid[])`,
          ]);
          for (const a of admins) this.actors.set(`admin:${a.id}`, a.email);
          for (const k of keys) this.actors.set(`key:${k.id}`, `API key ${k.name} (${k.prefix}…)`);
          for (const t of tenants) {
            this.currencies.set(t.id, t.currency);
            this.zones.set(t.id, t.time_zone);
          }
          for (const id of todo) this.known.add(id);
        } catch {
          // A failed load keeps the old names; the next miss or tick tries again.
        } finally {
          for (const id of todo) this.loading.delete(id);
        }
      })();
      for (const id of todo) this.loading.set(id, p);
      waits.push(p);
    }
    await Promise.all(waits);
  }

  /** Load a tenant's names unless this process has them already. */
  ensure(tenantId: string): Promise<void> {
    return this.known.has(tenantId) ? Promise.resolve() : this.load([tenantId]);
  }

  /** A settings_updated event says the new currency before any refresh would. */
  learnCurrency(tenantId: string, currency: unknown) {
    if (typeof currency === 'string' && currency) this.currencies.set(tenantId, currency);
  }

  /** ... and the new time zone: the next live row reads in it, as a page loaded now would. */
  learnTimeZone(tenantId: string, timeZone: unknown) {
    if (typeof timeZone === 'string' && timeZone) this.zones.set(tenantId, timeZone);
  }

  /** Every tenant this process has rendered for, in one round of queries. */
  refresh(): Promise<void> {
    return this.load([...this.known]);
  }

  start() {
    this.timer ??= setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref?.();
    return this;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  actorLabel = (actor: string | null, tenantId: string): string => {
    if (!actor) return 'system';
    const name = this.actors.get(actor);
    if (name) return name;
    if (actor.startsWith('admin:') || actor.startsWith('key:')) this.missed(tenantId);
    return actorFallback(actor);
  };

  currency = (tenantId: string): string => {
    const code = this.currencies.get(tenantId);
    if (!code) this.missed(tenantId);
    return code ?? 'GBP';
  };

  timeZone = (tenantId: string): string => {
    const tz = this.zones.get(tenantId);
    if (!tz) this.missed(tenantId);
    return tz ?? 'UTC';
  };

  private missed(tenantId: string) {
    const now = Date.now();
    if (now - (this.lastTried.get(tenantId) ?? 0) < MISS_RETRY_MS) return;
    this.lastTried.set(tenantId, now);
    void this.load([tenantId]);
  }
}

export function actorFallback(actor: string | null): string {
  if (!actor) return 'system';
  const [kind, id] = actor.split(':');
  if (kind === 'admin') return `admin ${id?.slice(0, 8) ?? ''}`;
  if (kind === 'key') return `API key ${id?.slice(0, 8) ?? ''}`;
  return actor;
}
