import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { type DashboardFigures, dashboardFigures } from '../reports/reports.ts';
import { DashboardBody, DashboardPage, type DashboardScope } from '../../views/dashboard.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot } from './context.ts';

// The dashboard shows the site this admin picked in the header (or the one they are limited to), or the
// whole group: its figures, its chart and its "today" are that site's, in its time zone.

const scopeOf = (f: DashboardFigures): DashboardScope =>
  ({ hasLocations: f.hasLocations, locationId: f.locationId, locationName: f.locationName, tz: f.tz });

export function dashboardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/dashboard', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => dashboardFigures(tx, caller));
    return page(c, <DashboardPage meta={meta(c, seq)} days={data.days} customersToday={data.customersToday}
      currency={c.get('session').currency} scope={scopeOf(data)} />);
  });

  app.get('/dashboard/body', async (c) => {
    const s = c.get('session');
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => dashboardFigures(tx, caller));
    return fragment(c, <DashboardBody base={adminBase(s.tenantSlug)} days={data.days} customersToday={data.customersToday}
      currency={s.currency} seq={seq} scope={scopeOf(data)} />);
  });

  return app;
}
