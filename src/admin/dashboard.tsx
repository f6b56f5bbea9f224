import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { isCalendarDay } from '../platform/dates.ts';
import { ApiError } from '../platform/errors.ts';
import { dailyRangeCsv, rangeCsvResponse } from '../reports/rangeCsv.ts';
import { type DashboardFigures, dashboardFigures, rangeProblem } from '../reports/reports.ts';
import { MAX_DAYS } from '../reports/schemas.ts';
import { DashboardBody, DashboardPage, type DashboardRange, type DashboardScope } from '../../views/dashboard.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminContext, type AdminEnv, fragment, meta, page, snapshot } from './context.ts';

// The dashboard shows the site this admin picked in the header (or the one they are limited to), or the
// whole group: its figures, its charts and its "today" are that site's, in its time zone. The charts
// cover the range in the address (?from=&to=), else the last CHART_DAYS days.

const scopeOf = (f: DashboardFigures): DashboardScope =>
  ({ hasLocations: f.hasLocations, locationId: f.locationId, locationName: f.locationName, tz: f.tz });

/** The range asked for, checked: none (the default), a range, or the sentence the picker shows. */
function askedRange(c: AdminContext): { from: string; to: string } | { error: string; from: string; to: string } | undefined {
  const from = c.req.query('from')?.slice(0, 20) ?? '';
  const to = c.req.query('to')?.slice(0, 20) ?? '';
  if (!from && !to) return undefined;
  if (!isCalendarDay(from) || !isCalendarDay(to)) return { error: 'Choose a first and a last day (both dates, from 1900 to 9999).', from, to };
  const wrong = rangeProblem(from, to);
  if (wrong?.path === 'to' && to < from) return { error: 'The last day must not be before the first.', from, to };
  if (wrong) return { error: `Choose at most ${MAX_DAYS} days.`, from, to };
  return { from, to };
}

export function dashboardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  /** Today's figures and the range's; a wrong range charts nothing and says why (400), today still shows. */
  const load = async (c: AdminContext) => {
    const caller = c.get('caller');
    const asked = askedRange(c);
    const error = asked && 'error' in asked ? asked.error : undefined;
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => dashboardFigures(tx, caller, error ? undefined : asked));
    const range: DashboardRange = error ? { from: asked!.from, to: asked!.to, error } : { from: data.from, to: data.to };
    return { seq, data, range, status: error ? 400 : 200 };
  };

  app.get('/dashboard', async (c) => {
    const { seq, data, range, status } = await load(c);
    return page(c, <DashboardPage meta={meta(c, seq)} today={data.today} days={data.days} range={range}
      customersToday={data.customersToday} currency={c.get('session').currency} scope={scopeOf(data)} />, status);
  });

  app.get('/dashboard/body', async (c) => {
    const s = c.get('session');
    const { seq, data, range, status } = await load(c);
    return fragment(c, <DashboardBody base={adminBase(s.tenantSlug)} today={data.today} days={data.days} range={range}
      customersToday={data.customersToday} currency={s.currency} seq={seq} scope={scopeOf(data)} />, status);
  });

  // The charts' figures as CSV: the bytes GET /api/v1/reports/daily/range?format=csv serves, for this admin's site.
  app.get('/dashboard/report.csv', async (c) => {
    const asked = askedRange(c);
    if (!asked || 'error' in asked) throw new ApiError(400, 'validation_failed', asked?.error ?? 'Choose a first and a last day.');
    const caller = c.get('caller');
    const csv = await dailyRangeCsv(sql, caller, { ...asked, locationId: caller.locationId ?? undefined });
    return rangeCsvResponse(csv, c.req.method === 'HEAD');
  });

  return app;
}
