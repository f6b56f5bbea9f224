import { z } from '@hono/zod-openapi';
import { calendarDay } from '../platform/dates.ts';
import { IanaTimeZone } from '../platform/timeZones.ts';

// The gift card liability report in the v1 contract (issue 13): what live cards owe, and its movement.

export const LiabilityQuery = z.object({
  from: calendarDay().optional().openapi({ description: "First day of the period (local to tz). Default: the first of `to`'s month (month to date)" }),
  to: calendarDay().optional().openapi({ description: 'Last day of the period, inclusive; the balance owed is as of its end. Default: today' }),
  tz: IanaTimeZone.optional().openapi({ description: "Days are local to this zone. Default: the group's (as for daily reports)" }),
});
export type LiabilityQuery = z.infer<typeof LiabilityQuery>;

const cents = (description: string) => z.number().int().openapi({ description });

export const GiftCardLiability = z
  .object({
    outstandingCents: cents('The balance owed on live cards (not expired, not voided) as of `asOf`'),
    soldCents: cents('Issued in the period'),
    redeemedCents: cents('Spent in the period, net of refunds to cards (cancelled orders)'),
    expiredCents: cents('Breakage: balances left on cards that expired in the period'),
    voidedCents: cents('Balances written off by voiding live cards in the period'),
    asOf: z.string().openapi({ description: 'The instant the period ends (the end of `to`, or now if that is later than now)' }),
    openingCents: cents('The balance owed at the start of the period: opening + sold − redeemed − expired − voided = outstanding'),
    refundedCents: cents('Refunds to cards in the period (already netted out of redeemedCents)'),
    from: z.string(),
    to: z.string(),
    periodStart: z.string().openapi({ description: 'The instant the period starts (the start of `from` in tz)' }),
    tz: z.string(),
  })
  .openapi('GiftCardLiability');
export type GiftCardLiability = z.infer<typeof GiftCardLiability>;
