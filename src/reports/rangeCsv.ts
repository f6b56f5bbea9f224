import type { Caller } from '../identity/caller.ts';
import type { Db } from '../platform/database.ts';
import { csvResponse } from '../customers/export.ts';
import { csvLine, type Cell } from '../platform/csv.ts';
import { dailyRange } from './reports.ts';
import type { DailyReport, DailyReportRange, LocationDay, RangeQuery } from './schemas.ts';

// The range report as CSV (GET /api/v1/reports/daily/range?format=csv and the dashboard's download): the
// same domain read as the JSON (dailyRange), written as one row per day and, for the group of a tenant
// with locations, one more row per site under each day, so a spreadsheet sums or pivots either way.
// At most MAX_DAYS × sites rows: built whole, no cursor needed.

/** The figures, in the JSON's names and order: a column is a field of DailyReport. */
export const RANGE_FIGURES = [
  'orders', 'ordersCompleted', 'ordersCancelled', 'revenueCents', 'pointsDiscountCents', 'giftCardPaidCents',
  'pointsEarned', 'pointsRedeemed', 'pointsReversed', 'giftCardsSold', 'giftCardsSoldCents', 'giftCardRedemptions',
  'giftCardsRedeemedCents', 'giftCardsRefundedCents',
] as const satisfies readonly (keyof DailyReport & keyof LocationDay)[];

/** `scope` "total" is the day of what was asked (a site, or the group); "location" one site's share of a group day. */
export const RANGE_HEADER = ['date', 'tz', 'scope', 'locationId', 'locationCode', 'locationName', ...RANGE_FIGURES] as const;

export function rangeCsvText(report: DailyReportRange): string {
  const lines = [csvLine(RANGE_HEADER)];
  const figures = (f: DailyReport | LocationDay): Cell[] => RANGE_FIGURES.map((k) => f[k]);
  for (const day of report.days) {
    lines.push(csvLine([day.date, report.tz, 'total', report.locationId ?? '', '', '', ...figures(day)]));
    for (const site of day.locations ?? []) {
      lines.push(csvLine([day.date, report.tz, 'location', site.locationId ?? '', site.code ?? '', site.name ?? '', ...figures(site)]));
    }
  }
  return lines.join('');
}

/** `timeZone`: the zone the file's days are in (the report's), sent as X-Time-Zone like every export. */
export type RangeCsv = { filename: string; text: string; timeZone: string };

export async function dailyRangeCsv(db: Db, caller: Caller, query: RangeQuery): Promise<RangeCsv> {
  const report = await dailyRange(db, caller, query);
  const site = report.locationId ? `-${report.locationId}` : '';
  return { filename: `report-${caller.tenantSlug}${site}-${report.from}-to-${report.to}.csv`, text: rangeCsvText(report), timeZone: report.tz };
}

/** The download both doors send: the customer exports' headers (customers/export.ts csvResponse). */
export function rangeCsvResponse({ filename, text, timeZone }: RangeCsv, head = false): Response {
  return csvResponse({ filename, timeZone, body: head ? null : new Blob([text]).stream() });
}
