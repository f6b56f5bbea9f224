import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { assertKnownTimeZone } from '../platform/timeZones.ts';
import type { GiftCardLiability, LiabilityQuery } from './liabilitySchemas.ts';
import { reportScope } from './scope.ts';

// The gift card liability report, both doors: GET /api/v1/reports/gift-cards and the admin gift card
// list read it here. gift_card_liability() (sql/0018_gift_card_liability.sql) does the arithmetic from
// the activity ledger, so a past period gives the figures it had then.
//
// It is the group's debt: cards are bought at one site and spent at any, so no site owns a share of it.
// A caller bound to one site is refused (GROUP_ONLY in policy.ts), as the group's figures would give the
// other sites' sales away (reports/scope.ts).

/**
 * The period [start of `from`, end of `to`) in the zone, its end never later than now: outstanding is
 * as of that end. `to` defaults to today there, `from` to the first of `to`'s month (month to date).
 */
export async function giftCardLiability(db: Db, caller: Caller, query: LiabilityQuery): Promise<GiftCardLiability> {
  authorize(caller, 'giftCards.liability');
  if (query.tz) await assertKnownTimeZone(db, query.tz);
  const { tz } = await reportScope(db, caller, undefined, query.tz);
  if (query.from && query.to && query.from > query.to) {
    throw new ApiError(400, 'validation_failed', 'to: must not be before from.', { errors: [{ path: 'to', message: 'must not be before from' }] });
  }
  const [row] = await db`with span as (
      select coalesce(${query.to ?? null}::date, (now() at time zone ${tz})::date) as "to"
    ), bounds as (
      select "to", coalesce(${query.from ?? null}::date, date_trunc('month', "to")::date) as "from",
        least((("to" + 1)::timestamp at time zone ${tz}), now()) as hi from span
    ), period as (
      select *, least(("from"::timestamp at time zone ${tz}), hi) as lo from bounds
    )
    select gift_card_liability(${caller.tenantId}, lo, hi) || jsonb_build_object(
      'asOf', iso(hi), 'periodStart', iso(lo), 'from', to_char("from", 'YYYY-MM-DD'), 'to', to_char("to", 'YYYY-MM-DD'), 'tz', ${tz}::text
    ) as report from period`;
  // jsonb carries the bigint sums as JSON numbers: cents fit a double exactly far beyond any card book.
  return row!.report as GiftCardLiability;
}
