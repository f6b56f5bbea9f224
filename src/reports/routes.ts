import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { ApiError } from '../platform/errors.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';

const tags = ['Reports'];
const MAX_DAYS = 366;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
const TimeZone = z.string().max(64).default('UTC')
  .refine(isTimeZone, 'an IANA time zone such as Europe/London')
  .openapi({ description: 'Days are local to this IANA time zone (default UTC)', example: 'Europe/London' });

function isTimeZone(tz: string) {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) return false;
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}

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

const daily = createRoute({
  method: 'get', path: '/reports/daily', tags, security, summary: 'One day: orders, revenue, points earned and redeemed, gift cards sold and redeemed',
  request: { query: z.object({ date: Day, tz: TimeZone }) },
  responses: { 200: json(DailyReport, 'The day'), ...problems(400, 401) },
});
const range = createRoute({
  method: 'get', path: '/reports/daily/range', tags, security, summary: `Every day from \`from\` to \`to\` (inclusive, at most ${MAX_DAYS}), zero-filled for a chart`,
  request: { query: z.object({ from: Day, to: Day, tz: TimeZone }) },
  responses: {
    200: json(z.object({ from: z.string(), to: z.string(), tz: z.string(), days: z.array(DailyReport) }).openapi('DailyReportRange'), 'The days'),
    ...problems(400, 401),
  },
});

export function reportRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(daily, async (c) => {
      const { date, tz } = c.req.valid('query');
      const [{ days }] = await sql`select daily_report(${c.get('caller').tenantId}, ${date}::date, ${date}::date, ${tz}) as days`;
      return c.json(days[0], 200);
    })
    .openapi(range, async (c) => {
      const { from, to, tz } = c.req.valid('query');
      const span = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      if (span < 1) throw new ApiError(400, 'validation_failed', 'to: must not be before from.');
      if (span > MAX_DAYS) throw new ApiError(400, 'validation_failed', `A range covers at most ${MAX_DAYS} days.`);
      const [{ days }] = await sql`select daily_report(${c.get('caller').tenantId}, ${from}::date, ${to}::date, ${tz}) as days`;
      return c.json({ from, to, tz, days }, 200);
    });
}
