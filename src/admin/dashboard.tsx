import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import type { Sql, Tx } from '../platform/database.ts';
import { ACTIVITY_TYPES, ActivityPage, ActivityRows, type ActivityView } from '../../views/activity.tsx';
import { DashboardBody, DashboardPage, type Day } from '../../views/dashboard.tsx';
import { describe } from '../../views/describe.ts';
import { adminBase } from '../../views/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot } from './context.ts';
import { actorLabelSql } from '../identity/actors.ts';

const FEED_PAGE = 50;
const CHART_DAYS = 14;

/** Events newest first, keyset by id (the tenant's gap-free sequence). */
async function activity(tx: Sql | Tx, tenantId: string, currency: string, base: string, type: string | null, before: number | null) {
  const rows = await tx`select e.id, e.type, e.data, iso(e.created_at) as "createdAt", ${actorLabelSql(tx, 'e.actor')} as actor
    from events e where e.tenant_id = ${tenantId}
      ${type ? tx`and e.type = ${type}` : tx``} ${before !== null ? tx`and e.id < ${before}` : tx``}
    order by e.id desc limit ${FEED_PAGE + 1}`;
  const more = rows.length > FEED_PAGE;
  const list: ActivityView[] = rows.slice(0, FEED_PAGE).map((r) => ({
    id: r.id, type: r.type, actor: r.actor, createdAt: r.createdAt, text: describe({ type: r.type, data: r.data }, currency),
  }));
  const q = new URLSearchParams({ before: String(list.at(-1)?.id ?? 0), ...(type ? { type } : {}) });
  return { rows: list, moreHref: more ? `${base}/activity/rows?${q}` : null };
}

async function dashboard(tx: Sql | Tx, tenantId: string) {
  const [{ days }] = await tx`select daily_report(${tenantId}, (now() at time zone 'UTC')::date - ${CHART_DAYS - 1}::int,
    (now() at time zone 'UTC')::date, 'UTC') as days`;
  const [{ n }] = await tx`select count(*)::int as n from customers
    where tenant_id = ${tenantId} and created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`;
  return { days: days as Day[], customersToday: n as number };
}

export function dashboardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();
  const typeParam = (raw: string | undefined) => (raw && ACTIVITY_TYPES.includes(raw) ? raw : raw && /^[a-z_]{1,40}$/.test(raw) ? raw : null);
  app.get('/dashboard', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => dashboard(tx, s.tenantId));
    return page(c, <DashboardPage meta={meta(c, seq)} days={data.days} customersToday={data.customersToday} currency={s.currency} />);
  });

  app.get('/dashboard/body', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => dashboard(tx, s.tenantId));
    return fragment(c, <DashboardBody base={adminBase(s.tenantSlug)} days={data.days} customersToday={data.customersToday}
      currency={s.currency} seq={seq} />);
  });


  return app;
}
