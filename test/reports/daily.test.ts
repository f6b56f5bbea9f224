import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, fries, issueCard } from '../support/fixtures.ts';

const t = await testApp();

async function place(body: Record<string, unknown>) {
  const r = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries], ...body });
  expect(r.status).toBe(201);
  return r.body;
}

describe('daily report', () => {
  test('one day counts orders, revenue net of cancellations, points earned and redeemed, gift cards sold and redeemed; other days and tenants are not mixed in', async () => {
    await enrol(t.a, '+447306570001', 500);                       // add 500 (counted as earned: a manual add)
    const card = await issueCard(t.a, 3000);                       // sold 1 × 3000
    const a = await place({ customer: { phone: '+447306570001' }, redeemPoints: 200, giftCard: { code: card.code, amountCents: 800 } });
    // a: subtotal 2000, discount 200, gift 800; earned floor(1800/100) = 18
    const b = await place({});                                     // 2000, no customer
    const c = await place({ customer: { phone: '+447306570002' } }); // earns 20, then cancelled
    expect((await t.a.post(`/api/v1/orders/${c.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect((await t.a.post(`/api/v1/orders/${b.id}/status`, { status: 'preparing' })).status).toBe(200);
    expect((await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 500 })).status).toBe(200);
    // Yesterday's order must not be counted today.
    const old = await place({});
    await t.sql`update orders set created_at = created_at - interval '1 day' where id = ${old.id}`;
    await t.b.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] });

    const [{ today }] = await t.sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as today`;
    const r = await t.a.get(`/api/v1/reports/daily?date=${today}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({
      date: today, orders: 3, ordersCompleted: 0, ordersCancelled: 1,
      revenueCents: 1800 + 2000, pointsDiscountCents: 200, giftCardPaidCents: 800,
      pointsEarned: 500 + 18 + 20, pointsRedeemed: 200, pointsReversed: -20,
      giftCardsSold: 1, giftCardsSoldCents: 3000, giftCardRedemptions: 2, giftCardsRedeemedCents: 1300, giftCardsRefundedCents: 0,
    });
    void a;
  });

  test('a range returns every day, zero-filled, for a chart', async () => {
    const [{ today, yesterday, before }] = await t.sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as today,
      to_char((now() at time zone 'UTC') - interval '1 day', 'YYYY-MM-DD') as yesterday,
      to_char((now() at time zone 'UTC') - interval '2 day', 'YYYY-MM-DD') as before`;
    const r = await t.a.get(`/api/v1/reports/daily/range?from=${before}&to=${today}`);
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(before);
    expect(r.body.tz).toBe('UTC');
    expect(r.body.days.map((d: any) => [d.date, d.orders])).toEqual([[before, 0], [yesterday, 1], [today, 3]]);
    expect(r.body.days[0]).toMatchObject({ revenueCents: 0, pointsEarned: 0, giftCardsSold: 0 });
  });

  test('days follow the requested time zone', async () => {
    const [{ today }] = await t.sql`select to_char(now() at time zone 'Pacific/Kiritimati', 'YYYY-MM-DD') as today`;
    const r = await t.a.get(`/api/v1/reports/daily?date=${today}&tz=Pacific/Kiritimati`);
    expect(r.status).toBe(200);
    expect(r.body.date).toBe(today);
    expect(r.body.orders).toBe(3);
    const [{ dayBefore }] = await t.sql`select to_char((now() at time zone 'Pacific/Kiritimati') - interval '1 day', 'YYYY-MM-DD') as "dayBefore"`;
    expect((await t.a.get(`/api/v1/reports/daily?date=${dayBefore}&tz=Pacific/Kiritimati`)).body.orders).toBe(1);
  });
});

describe('dates and zones at the edge', () => {
  test('year 0, an impossible day and a zone Postgres does not know are 400 with a message naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/v1/reports/daily?date=0000-01-01', 'date'],
      ['/api/v1/reports/daily/range?from=0000-01-01&to=0000-01-02', 'from'],
      ['/api/v1/reports/daily?date=1899-12-31', 'date'],
      ['/api/v1/reports/daily?date=2026-02-03&tz=US/Pacific-New', 'tz'],
      ['/api/v1/reports/daily/range?from=2026-02-01&to=2026-02-02&tz=US/Pacific-New', 'tz'],
    ];
    for (const [path, field] of cases) {
      const r = await t.a.get(path);
      expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 400, code: 'validation_failed' });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(r.body.detail).toStartWith(`${field}: `);
    }
  });

  test('the first and last days of the accepted years, and a zone alias Postgres knows, are served', async () => {
    for (const path of [
      '/api/v1/reports/daily?date=1900-01-01',
      '/api/v1/reports/daily?date=9999-12-31&tz=Pacific/Kiritimati',
      '/api/v1/reports/daily/range?from=9999-12-30&to=9999-12-31&tz=Etc/GMT%2B12',
      '/api/v1/reports/daily?date=2026-02-03&tz=US/Pacific',
    ]) {
      const r = await t.a.get(path);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
    }
  });
});
