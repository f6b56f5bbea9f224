import type { Db } from '../platform/database.ts';
import { DEFAULT_RANGE_DAYS } from './schemas.ts';

// "Today" for a report is the report's zone's today (the site's own, else the group's: scope.ts), read
// from the database clock like every other report boundary, so the API and the admin agree at midnight.

/** `from` and `to` with defaults filled: `to` today in `tz`, `from` DEFAULT_RANGE_DAYS days ending at `to`. */
export async function defaultDays(db: Db, tz: string, from: string | undefined, to: string | undefined): Promise<{ from: string; to: string }> {
  if (from !== undefined && to !== undefined) return { from, to };
  const [row] = await db`with t as (select coalesce(${to ?? null}::date, (now() at time zone ${tz})::date) as d)
    select to_char(d, 'YYYY-MM-DD') as "to",
      to_char(coalesce(${from ?? null}::date, d - ${DEFAULT_RANGE_DAYS - 1}::int), 'YYYY-MM-DD') as "from" from t`;
  return { from: row!.from as string, to: row!.to as string };
}

/** One day, default today in `tz`. */
export async function defaultDay(db: Db, tz: string, date: string | undefined): Promise<string> {
  return date ?? (await defaultDays(db, tz, undefined, undefined)).to;
}
