import { z } from '@hono/zod-openapi';
import { calendarDay } from '../platform/dates.ts';
import { IanaTimeZone } from '../platform/timeZones.ts';

// Daily reports in the v1 contract: the API serves them, the admin dashboard charts the same days.

/** The longest range one request may ask for. */
export const MAX_DAYS = 366;

export const Day = calendarDay();

/** Postgres has the last word on a zone name: the domain also checks it (platform/timeZones.ts). */
export const TimeZone = IanaTimeZone.default('UTC')
  .openapi({ description: 'Days are local to this IANA time zone (default UTC)', example: 'Europe/London' });

export const DailyQuery = z.object({ date: Day, tz: TimeZone });
export type DailyQuery = z.infer<typeof DailyQuery>;

export const RangeQuery = z.object({ from: Day, to: Day, tz: TimeZone });
export type RangeQuery = z.infer<typeof RangeQuery>;

export const DailyReport = z
  .object({
    date: z.string(),
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
  })
  .openapi('DailyReport');
export type DailyReport = z.infer<typeof DailyReport>;

export const DailyReportRange = z
  .object({ from: z.string(), to: z.string(), tz: z.string(), days: z.array(DailyReport) })
  .openapi('DailyReportRange');
export type DailyReportRange = z.infer<typeof DailyReportRange>;
