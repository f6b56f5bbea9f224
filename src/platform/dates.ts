import { z } from '@hono/zod-openapi';

// Dates and instants as request fields, for every domain. JavaScript and Postgres disagree at the
// edges: Postgres has no year 0 (JS reads 0000 as 1 BC), refuses UTC offsets past ±15:59 (ISO 8601
// allows ±23:59), and JS writes years past 9999 as +010000 (which `iso()` in SQL cannot). A value one
// side accepted and the other refused used to reach SQL and come back as a 500. These fields keep
// every value inside what both accept, and say so in a 400:
// - years 1900 to 9999: nothing a restaurant records predates 1900 (time zones were local mean time
//   before then), and four-digit years are what both sides write back;
// - UTC offsets within ±14:00, the widest any place on Earth uses (UTC−12:00 to UTC+14:00).

export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;
export const MAX_OFFSET_MINUTES = 14 * 60;

const EARLIEST = Date.UTC(MIN_YEAR, 0, 1);
const LATEST = Date.UTC(MAX_YEAR, 11, 31, 23, 59, 59, 999);

/** Whether `YYYY-MM-DD` names a real calendar day within MIN_YEAR..MAX_YEAR. */
export function isCalendarDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Whether an ISO 8601 date-time (already shaped by zod) has a sane offset and lies within the years. */
export function isSaneInstant(s: string): boolean {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(s);
  if (offset && Number(offset[2]) * 60 + Number(offset[3]) > MAX_OFFSET_MINUTES) return false;
  if (!isCalendarDay(s.slice(0, 10))) return false;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= LATEST;
}

const DAY = `A date as YYYY-MM-DD, a real day from ${MIN_YEAR} to ${MAX_YEAR}.`;
const INSTANT = `A date and time with its offset, such as 2027-01-31T23:59:59Z: years ${MIN_YEAR} to ${MAX_YEAR}, offsets within ±14:00.`;

/** A calendar day, `YYYY-MM-DD`. */
export const calendarDay = (message = DAY) =>
  z.string({ error: message }).refine(isCalendarDay, message).openapi({ format: 'date', example: '2027-01-31' });

/** An instant with an explicit offset (`Z` or ±hh:mm). */
export const instant = (message = INSTANT) =>
  z.string({ error: message }).datetime({ offset: true, message }).refine(isSaneInstant, message)
    .openapi({ format: 'date-time', example: '2027-01-31T23:59:59Z' });
