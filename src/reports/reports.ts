import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { assertKnownTimeZone } from '../platform/timeZones.ts';
import { MAX_DAYS, type DailyQuery, type DailyReport, type DailyReportRange, type RangeQuery } from './schemas.ts';

// Reports, both doors: daily_report() (sql/0002_orders_gift_cards.sql) counts one row per local day,
// zero-filled; the API serves single days and ranges, and the admin dashboard charts the same range.

/** Days the dashboard charts, ending today. */
export const CHART_DAYS = 14;

const DAY_MS = 86_400_000;

export async function dailyReport(db: Db, caller: Caller, query: DailyQuery): Promise<DailyReport> {
  authorize(caller, 'reports.read');
  await assertKnownTimeZone(db, query.tz);
  const [{ days }] = await db`select daily_report(${caller.tenantId}, ${query.date}::date, ${query.date}::date, ${query.tz}) as days`;
  return (days as DailyReport[])[0]!;
}

/** Every day from `from` to `to` inclusive (at most MAX_DAYS), zero-filled for a chart. */
export async function dailyRange(db: Db, caller: Caller, query: RangeQuery): Promise<DailyReportRange> {
  authorize(caller, 'reports.read');
  const { from, to, tz } = query;
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (span < 1) throw new ApiError(400, 'validation_failed', 'to: must not be before from.');
  if (span > MAX_DAYS) throw new ApiError(400, 'validation_failed', `A range covers at most ${MAX_DAYS} days.`);
  await assertKnownTimeZone(db, tz);
  const [{ days }] = await db`select daily_report(${caller.tenantId}, ${from}::date, ${to}::date, ${tz}) as days`;
  return { from, to, tz, days: days as DailyReport[] };
}

export type DashboardFigures = { days: DailyReport[]; customersToday: number };

/** The dashboard: the last CHART_DAYS days (UTC) through dailyRange, and customers enrolled today. */
export async function dashboardFigures(db: Db, caller: Caller): Promise<DashboardFigures> {
  authorize(caller, 'reports.read');
  const now = Date.now();
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const range = await dailyRange(db, caller, { from: day(now - (CHART_DAYS - 1) * DAY_MS), to: day(now), tz: 'UTC' });
  const [{ n }] = await db`select count(*)::int as n from customers
    where tenant_id = ${caller.tenantId} and created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`;
  return { days: range.days, customersToday: n as number };
}
