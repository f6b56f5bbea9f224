import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { assertKnownTimeZone } from '../platform/timeZones.ts';
import { type ReportScope, reportScope } from './scope.ts';
import { defaultDay, defaultDays } from './defaultDays.ts';
import { MAX_DAYS, type DailyQuery, type DailyReport, type DailyReportRange, type RangeQuery } from './schemas.ts';

// Reports, both doors: daily_report() (sql/0010_reports_by_location.sql) counts one row per local day,
// zero-filled, for one site or the group (with its per-location rows); the API serves single days and
// ranges, and the admin dashboard charts the same range for the site its admin picked.

/** Days the dashboard charts, ending today. */
export const CHART_DAYS = 14;

const DAY_MS = 86_400_000;

async function days(db: Db, caller: Caller, from: string, to: string, scope: ReportScope): Promise<DailyReport[]> {
  await assertKnownTimeZone(db, scope.tz);
  const [row] = await db`select daily_report(${caller.tenantId}, ${from}::date, ${to}::date, ${scope.tz},
    ${scope.locationId}::uuid, ${scope.breakdown}) as days`;
  return row!.days as DailyReport[];
}

async function localToday(db: Db, tz: string): Promise<string> {
  await assertKnownTimeZone(db, tz);
  const [row] = await db`select to_char(now() at time zone ${tz}, 'YYYY-MM-DD') as today`;
  return row!.today as string;
}

/** Where the tenant has locations, a report says which one (null: the group) and in which zone. */
const where = (scope: ReportScope) => (scope.hasLocations ? { locationId: scope.locationId, tz: scope.tz } : {});

export async function dailyReport(db: Db, caller: Caller, query: DailyQuery): Promise<DailyReport> {
  authorize(caller, 'reports.read');
  if (query.tz) await assertKnownTimeZone(db, query.tz);
  const scope = await reportScope(db, caller, query.locationId, query.tz);
  const date = await defaultDay(db, scope.tz, query.date);
  const [day] = await days(db, caller, date, date, scope);
  return { ...day!, ...where(scope) };
}

/**
 * What is wrong with a range of calendar days, as a sentence for a page or a problem, or null. Both doors
 * ask it: the API answers 400 with it, the dashboard shows it next to its date-range picker.
 */
export function rangeProblem(from: string, to: string): { path: 'from' | 'to'; message: string } | null {
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (Number.isNaN(span)) return { path: Number.isNaN(Date.parse(from)) ? 'from' : 'to', message: 'must be a day (YYYY-MM-DD)' };
  if (span < 1) return { path: 'to', message: 'must not be before from' };
  if (span > MAX_DAYS) return { path: 'to', message: `a range covers at most ${MAX_DAYS} days` };
  return null;
}

/** Every day from `from` to `to` inclusive (at most MAX_DAYS), zero-filled for a chart. */
export async function dailyRange(db: Db, caller: Caller, query: RangeQuery): Promise<DailyReportRange> {
  authorize(caller, 'reports.read');
  if (query.tz) await assertKnownTimeZone(db, query.tz);
  const scope = await reportScope(db, caller, query.locationId, query.tz);
  const { from, to } = await defaultDays(db, scope.tz, query.from, query.to);
  const wrong = rangeProblem(from, to);
  if (wrong) throw new ApiError(400, 'validation_failed', `${wrong.path}: ${wrong.message}.`, { errors: [wrong] });
  return { from, to, ...where(scope), tz: scope.tz, days: await days(db, caller, from, to, scope) };
}

export type DashboardFigures = {
  /** Today in `tz`; the group's day carries its per-location rows. */
  today: DailyReport;
  /** The range charted (default: the last CHART_DAYS days ending today), every day, zero-filled. */
  days: DailyReport[];
  from: string;
  to: string;
  /** Customers are group-wide: those enrolled since midnight in `tz`, wherever they enrolled. */
  customersToday: number;
  /** The site the figures are for (the admin's pick, or the one a limited admin is bound to); null: the group. */
  locationId: string | null;
  /** "Today" is this zone's: the site's own, else the group's (see scope.ts). */
  tz: string;
  /** False for a tenant without locations: its dashboard reads as it always did. */
  hasLocations: boolean;
  locationName: string | null;
};

/**
 * The dashboard: the caller's site (or the group), today and the days `range` names (checked by the
 * caller with rangeProblem), else the last CHART_DAYS days up to its own today.
 */
export async function dashboardFigures(db: Db, caller: Caller, range?: { from: string; to: string }): Promise<DashboardFigures> {
  authorize(caller, 'reports.read');
  const scope = await reportScope(db, caller, caller.locationId ?? undefined, undefined);
  const [span] = await db`select to_char(now() at time zone ${scope.tz}, 'YYYY-MM-DD') as "to",
      to_char((now() at time zone ${scope.tz})::date - ${CHART_DAYS - 1}::int, 'YYYY-MM-DD') as "from",
      (select count(*)::int from customers where tenant_id = ${caller.tenantId}
        and created_at >= date_trunc('day', now() at time zone ${scope.tz}) at time zone ${scope.tz}) as customers`;
  const from = range?.from ?? span!.from;
  const to = range?.to ?? span!.to;
  const charted = await days(db, caller, from, to, scope);
  const today = to === span!.to ? charted.at(-1)! : (await days(db, caller, span!.to, span!.to, scope))[0]!;
  return {
    today,
    days: charted,
    from,
    to,
    customersToday: span!.customers as number,
    locationId: scope.locationId,
    tz: scope.tz,
    hasLocations: scope.hasLocations,
    locationName: scope.name,
  };
}
