import type { Sql } from '../db.ts';
import type { FragmentContext } from './fragments.tsx';

/**
 * Names the live fragments need but events do not carry: who an actor is ("admin:<id>" → their
 * email, "key:<id>" → the key's name) and each tenant's currency. The hub renders synchronously, so
 * these come from a small in-memory copy of two small tables, refreshed in the background; a name
 * not known yet renders generically and is fetched for the next event.
 */
export class Directory implements FragmentContext {
  private actors = new Map<string, string>();
  private currencies = new Map<string, string>();
  private loading: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private sql: Sql, private everyMs = 30_000) {}

  async refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const admins = await this.sql`select id, email from admins`;
        const keys = await this.sql`select id, name, prefix from api_keys`;
        const tenants = await this.sql`select id, currency from tenants`;
        for (const a of admins) this.actors.set(`admin:${a.id}`, a.email);
        for (const k of keys) this.actors.set(`key:${k.id}`, `API key ${k.name} (${k.prefix}…)`);
        for (const t of tenants) this.currencies.set(t.id, t.currency);
      } catch {
        // A failed refresh keeps the old names; the next miss or tick tries again.
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  start() {
    void this.refresh();
    this.timer ??= setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref?.();
    return this;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  actorLabel = (actor: string | null): string => {
    if (!actor) return 'system';
    const known = this.actors.get(actor);
    if (known) return known;
    void this.refresh();
    return actorFallback(actor);
  };

  currency = (tenantId: string): string => {
    const known = this.currencies.get(tenantId);
    if (!known) void this.refresh();
    return known ?? 'GBP';
  };
}

export function actorFallback(actor: string | null): string {
  if (!actor) return 'system';
  const [kind, id] = actor.split(':');
  if (kind === 'admin') return `admin ${id?.slice(0, 8) ?? ''}`;
  if (kind === 'key') return `API key ${id?.slice(0, 8) ?? ''}`;
  return actor;
}
