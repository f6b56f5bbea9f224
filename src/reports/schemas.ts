import { z } from '@hono/zod-openapi';
import { calendarDay } from '../platform/dates.ts';
import { IanaTimeZone } from '../platform/timeZones.ts';

// Daily reports in the v1 contract: the API serves them, the admin dashboard charts the same days.

/** The longest range one request may ask for. */
export const MAX_DAYS = 366;

export const Day = calendarDay();

/**
 * Postgres has the last word on a zone name: the domain also checks it (platform/timeZones.ts). No
 * default here: the domain picks it (the site's own zone, else the tenant's: settings `timezone`).
 */
export const TimeZone = IanaTimeZone.optional().openapi({
  description: "Days are local to this IANA time zone. Default: the location's own zone with `locationId` (or a " +
    "caller bound to one); for the group, the tenant's zone (settings `timezone`)",
  example: 'Europe/London',
});

export const ReportLocation = z.string().uuid({ error: 'a location id' }).optional().openapi({
  description: 'One location (site). Without it, the whole group with a per-location breakdown; a key or admin ' +
    'bound to one location always gets its own (another is 403 location_mismatch)',
});

// Dates default to what a person means: no `date` is today, no `to` is today, no `from` is the
// DEFAULT_RANGE_DAYS days ending at `to` (the dashboard's chart), each in the report's zone (tz, else
// the site's, else the group's: reports/scope.ts), so a till's "today" is its own site's.
export const DEFAULT_RANGE_DAYS = 14;

export const DailyQuery = z.object({
  date: Day.optional().openapi({ description: "The day (local to tz). Default: today in the report's zone" }),
  tz: TimeZone, locationId: ReportLocation,
});
export type DailyQuery = z.infer<typeof DailyQuery>;

export const RangeQuery = z.object({
  from: Day.optional().openapi({ description: `First day (local to tz). Default: ${DEFAULT_RANGE_DAYS - 1} days before \`to\` (${DEFAULT_RANGE_DAYS} days in all)` }),
  to: Day.optional().openapi({ description: "Last day, inclusive (local to tz). Default: today in the report's zone" }),
  tz: TimeZone, locationId: ReportLocation,
});
export type RangeQuery = z.infer<typeof RangeQuery>;

const figures = {
  orders: z.number().int().openapi({ description: 'Orders placed that day (any status)' }),
  ordersCompleted: z.number().int(),
  ordersCancelled: z.number().int(),
  revenueCents: z.number().int().openapi({ description: 'Subtotal minus points discount of the day’s orders not cancelled (gift card spend included)' }),
  pointsDiscountCents: z.number().int(),
  giftCardPaidCents: z.number().int(),
  pointsEarned: z.number().int().openapi({ description: 'Ledger earn and add rows that day' }),
  pointsRedeemed: z.number().int().openapi({ description: 'Ledger redeem rows that day' }),
  pointsReversed: z.number().int().openapi({ description: 'Signed sum of reversal rows (cancellations) that day' }),
  giftCardsSold: z.number().int(),
  giftCardsSoldCents: z.number().int(),
  giftCardRedemptions: z.number().int(),
  giftCardsRedeemedCents: z.number().int(),
  giftCardsRefundedCents: z.number().int(),
};

export const LocationDay = z
  .object({
    locationId: z.string().nullable().openapi({ description: 'null: writes that recorded no location' }),
    code: z.string().nullable(),
    name: z.string().nullable(),
    ...figures,
  })
  .openapi('LocationDay', { description: "One location's share of a group day, counted in the group's day (tz)" });
export type LocationDay = z.infer<typeof LocationDay>;

export const DailyReport = z
  .object({
    date: z.string(),
    ...figures,
    locationId: z.string().nullable().optional()
      .openapi({ description: 'Present when the tenant has locations: the site reported, or null for the group' }),
    tz: z.string().optional().openapi({ description: 'Present when the tenant has locations: the zone the day is in' }),
    locations: z.array(LocationDay).optional().openapi({
      description: 'The group report of a tenant with locations: every active location, archived ones with figures ' +
        'in the range, and a row (locationId null) for writes with no location. The rows sum to the day',
    }),
  })
  .openapi('DailyReport');
export type DailyReport = z.infer<typeof DailyReport>;

export const DailyReportRange = z
  .object({
    from: z.string(), to: z.string(), tz: z.string(),
    locationId: z.string().nullable().optional()
      .openapi({ description: 'Present when the tenant has locations: the site reported, or null for the group' }),
    days: z.array(DailyReport),
  })
  .openapi('DailyReportRange');
export type DailyReportRange = z.infer<typeof DailyReportRange>;
