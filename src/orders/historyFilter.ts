import { likeEscape, searchNeedle } from '../customers/searchNeedle.ts';
import type { Caller } from '../identity/caller.ts';
import { reportScope } from '../reports/scope.ts';
import type { Db } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { isCalendarDay } from '../platform/dates.ts';

// The order history's filters as SQL on `orders o`: the search box (`q`) and the date range (`from`,
// `to`). Pure builders of fragments; listOrders puts them in its one query.

/**
 * `q` matches the order number ("ORD-1001", "ord-1001", "1001"), the customer's name without regard to
 * accents or case, or their phone in any spelling (the customer search's needle, src/customers/
 * searchNeedle.ts). A needle of digits matches a number or a phone: "1001" finds ORD-1001 and any phone
 * with 1001 in it, which is what a person typing digits at a till means. Words must each appear in the
 * name, or the whole text in the number.
 */
export function orderMatches(db: Db, caller: Caller, q: string) {
  const needle = searchNeedle(q, caller.defaultCountry);
  if (!needle) return db``;
  const number = db`lower(o.order_number) like ${'%' + likeEscape(q.trim().toLowerCase()) + '%'}`;
  if (needle.kind === 'phone') {
    // lower() as in the number's trigram index (sql/0017), so this branch is served by it too.
    const digits = db`lower(o.order_number) like ${'%' + needle.contains + '%'}`;
    const phone = db`o.customer_phone like ${'%' + needle.contains + '%'}`;
    const prefix = needle.prefix ? db`or o.customer_phone like ${needle.prefix + '%'}` : db``;
    return db`and (${number} or ${digits} or ${phone} ${prefix})`;
  }
  // An order records its customer's name and phone, not their email: an email is a word like any other.
  const words = needle.kind === 'email' ? [q.trim()] : needle.words;
  // search_fold is the fold the index of sql/0017 was built with, so "ZOË" finds "Zoe" and "zoe" finds "Zoë".
  const name = words.reduce(
    (all, w) => db`${all} and search_fold(o.customer_name) like ${'%'} || search_fold(${likeEscape(w)}) || ${'%'}`, db`true`);
  return db`and (${number} or (${name}))`;
}

/**
 * The range, both ends inclusive. Each end is a day (YYYY-MM-DD) or an instant with its offset:
 * - a day is local to the zone of the caller's reach (its site's zone for a caller bound to one site,
 *   else the tenant's zone (settings `timezone`): src/reports/scope.ts, the rule every report's days
 *   follow), and covers that whole day, so `from=to=2027-01-31` is one local day;
 * - an instant is that moment.
 * The ends are resolved in SQL (Postgres does the zone arithmetic, and the year-9999 edge never makes a
 * round trip through JavaScript). A range whose end comes before its start is 400 validation_failed.
 */
export async function orderRange(db: Db, caller: Caller, from: string | undefined, to: string | undefined) {
  // Wrapped: a fragment is a thenable, and awaiting one (as an async function's result is) would run it.
  if (!from && !to) return { where: db`` };
  const needsZone = (from && isCalendarDay(from)) || (to && isCalendarDay(to));
  const tz = needsZone ? (await reportScope(db, caller, undefined, undefined)).tz : 'UTC';
  const start = from ? (isCalendarDay(from) ? db`(${from}::date::timestamp at time zone ${tz})` : db`${from}::timestamptz`) : null;
  // The exclusive upper bound: the start of the next day, or a microsecond (Postgres's grain) past the instant.
  const end = to
    ? (isCalendarDay(to) ? db`((${to}::date + 1)::timestamp at time zone ${tz})` : db`(${to}::timestamptz + interval '1 microsecond')`)
    : null;
  if (start && end) {
    const [{ ok }] = await db`select ${start} < ${end} as ok`;
    if (!ok) {
      const message = 'to must not be before from';
      throw new ApiError(400, 'validation_failed', `to: ${message}`, { errors: [{ path: 'to', message }] });
    }
  }
  return { where: db`${start ? db`and o.created_at >= ${start}` : db``} ${end ? db`and o.created_at < ${end}` : db``}` };
}
