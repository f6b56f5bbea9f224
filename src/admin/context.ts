import type { Context } from 'hono';
import type { Caller } from '../identity/caller.ts';
import { retryingRead, transaction, type Sql, type Tx } from '../platform/database.ts';
import type { PageMeta } from '../../views/shell/layout.tsx';
import type { Session } from '../identity/sessions.ts';
import type { SiteOption } from '../locations/choice.ts';
import type { BellState } from '../../views/notifications.tsx';

/** `sites`: the tenant's sites for the header picker, loaded for full pages only (./sitePicker.tsx). */
export type AdminEnv = { Variables: { caller: Caller; session: Session; sites?: SiteOption[]; bell?: BellState } };
export type AdminContext = Context<AdminEnv>;

/** Full pages start with a doctype; JSX does not write one. */
export function page(c: Context, node: unknown, status = 200) {
  return c.html(`<!doctype html>${String(node)}`, status as 200);
}

/** A fragment for htmx: just the element(s), never the layout. */
export function fragment(c: Context, node: unknown, status = 200) {
  return c.html(String(node), status as 200);
}

/**
 * Run a page's reads in one REPEATABLE READ snapshot that starts by reading the tenant's event
 * counter. The page then shows exactly the state as of event `seq`: the stream resumes after it, so
 * nothing committed between render and connect is missed, and nothing is applied twice.
 */
export async function snapshot<T>(sql: Sql, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<{ seq: number; data: T }> {
  // Read only: a dropped connection is retried once, whatever point it failed at.
  return retryingRead(() => sql.begin('isolation level repeatable read read only', async (tx) => {
    const [row] = await tx`select event_seq from tenant_counters where tenant_id = ${tenantId}`;
    const data = await work(tx);
    return { seq: Number(row?.event_seq ?? 0), data };
  }) as Promise<{ seq: number; data: T }>);
}

/**
 * Run one state change and learn the id of the event it emitted: the SQL function holds the tenant's
 * counter row locked until commit, so inside the transaction the counter is our own event's id.
 */
export async function change<T>(sql: Sql, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<{ seq: number; data: T }> {
  // Retried once when the connection failed before COMMIT was sent (see platform/database.ts).
  return transaction(sql, async (tx) => {
    const data = await work(tx);
    const [row] = await tx`select event_seq from tenant_counters where tenant_id = ${tenantId}`;
    return { seq: Number(row?.event_seq ?? 0), data };
  });
}

/** The zone a view formats times in: the tenant's (so pages and live fragments agree). */
export function zone(c: AdminContext): string {
  return c.get('session').timeZone;
}

export function meta(c: AdminContext, seq: number): PageMeta {
  const s = c.get('session');
  return {
    tenantSlug: s.tenantSlug, tenantName: s.tenantName, email: s.email, role: s.role, csrf: s.csrf, seq,
    actor: `admin:${s.adminId}`, tz: s.timeZone,
    path: new URL(c.req.url).pathname,
    sites: c.get('sites') ?? [],
    bell: c.get('bell'),
    siteId: c.get('caller').locationId ?? null,
    siteLocked: Boolean(s.boundLocationId),
  };
}
