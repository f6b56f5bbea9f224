import { describe, expect, test } from 'bun:test';
import { POINTS_BALANCE_LIMIT } from '../../src/customers/schemas.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { expectInvariants, lastEventId } from '../support/fixtures.ts';

// Issue 10, item 9: with earnPointsPerUnit 1000 (allowed) and large totals, a balance reached the
// column's limit and the third earn came back as "400 A value was out of range"; that customer could
// no longer check out. Now every bound is ours, refused with 409 limit_exceeded before any column fills.
const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const LIMIT = POINTS_BALANCE_LIMIT;
const MAX_TOTAL = 100_000_000;

expect((await t.a.patch('/api/v1/settings', { earnPointsPerUnit: 1000 })).status).toBe(200);

const customer = async (id: string) =>
  (await t.sql`select points_balance, total_points_earned, total_points_redeemed,
    (select count(*)::int from ledger where customer_id = ${id}) as ledger_rows from customers where id = ${id}`)[0];
const earn = (phone: string, orderTotalCents = MAX_TOTAL) => t.a.post('/api/v1/loyalty/earn', { phone, orderTotalCents });
const checkout = (phone: string, extra: Record<string, unknown> = {}) => t.a.post('/api/v1/orders', {
  source: 'pos', orderType: 'collection', customer: { phone }, items: [{ name: 'Feast', quantity: 1, unitPriceCents: 2000 }], ...extra,
});

describe('bounds: no sequence of valid requests overflows a column', () => {
  test('the limit the SQL enforces is the one the code and README document', async () => {
    const [{ limit }] = await t.sql`select points_balance_limit() as limit`;
    expect(limit).toBe(LIMIT);
    expect(LIMIT).toBe(1_000_000_000);
  });

  test('repeated earns at the highest rate and total stop at the balance limit with 409 limit_exceeded, and the customer can still check out', async () => {
    const first = await earn('+447306600001');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ pointsEarned: LIMIT, customer: { pointsBalance: LIMIT, totalPointsEarned: LIMIT } });
    const id = first.body.customer.id as string;
    const events = await lastEventId(t.sql, t.tenantA.id);

    for (let i = 0; i < 3; i++) {
      const r = await earn('+447306600001');
      expect(r.status).toBe(409);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toMatchObject({
        code: 'limit_exceeded', limit: 'pointsBalance', max: LIMIT, current: LIMIT, requested: LIMIT,
        detail: `A points balance is limited to ${LIMIT} points. Balance: ${LIMIT}, adding: ${LIMIT}.`,
      });
    }
    expect(await customer(id)).toEqual({ points_balance: LIMIT, total_points_earned: LIMIT, total_points_redeemed: 0, ledger_rows: 1 });
    expect(await lastEventId(t.sql, t.tenantA.id)).toBe(events);

    // At the limit a checkout still goes through: it earns what fits (nothing), and a redemption is a sale as usual.
    const plain = await checkout('+447306600001');
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ pointsEarned: 0, totalCents: 2000 });
    const redeeming = await checkout('+447306600001', { redeemPoints: 1500 });
    expect(redeeming.status).toBe(201);
    // Earned on 2000 - 1500 = 500 cents at 1000 per unit = 5000 points, but only the 1500 just spent fit.
    expect(redeeming.body).toMatchObject({ pointsRedeemed: 1500, pointsEarned: 1500 });
    expect((await customer(id)).points_balance).toBe(LIMIT);
    await expectInvariants(t.sql);
  });

  test('adding or adjusting past the limit is refused the same way through either door; spending still works', async () => {
    const first = await earn('+447306600002');
    const id = first.body.customer.id as string;
    const before = await customer(id);
    for (const [path, body] of [
      [`/api/v1/customers/${id}/points/add`, { points: 1 }],
      [`/api/v1/customers/${id}/points/adjust`, { points: 1, reason: 'goodwill' }],
    ] as const) {
      const r = await t.a.post(path, body);
      expect({ path, status: r.status, code: r.body.code, limit: r.body.limit }).toEqual({ path, status: 409, code: 'limit_exceeded', limit: 'pointsBalance' });
    }
    // The admin door refuses through the same SQL function.
    const page = await owner.post(`/customers/${id}/points/add`, { points: '1' });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain(`A points balance is limited to ${LIMIT} points.`);
    expect(await customer(id)).toEqual(before);

    const spend = await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 10 });
    expect(spend.status).toBe(200);
    expect((await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 10 })).status).toBe(200);
    expect((await customer(id)).points_balance).toBe(LIMIT);
    await expectInvariants(t.sql);
  });

  test('a checkout near the limit earns only what fits, and cancelling it claws back exactly that', async () => {
    const id = (await earn('+447306600003')).body.customer.id as string;
    expect((await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 7 })).status).toBe(200);
    const order = await checkout('+447306600003');
    expect(order.status).toBe(201);
    expect(order.body.pointsEarned).toBe(7);
    expect((await customer(id)).points_balance).toBe(LIMIT);
    const cancelled = await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect((await customer(id)).points_balance).toBe(LIMIT - 7);
    await expectInvariants(t.sql);
  });

  test('a customer at the limit can cancel a checkout that redeemed points: the cancellation is judged on where the balance ends', async () => {
    const id = (await earn('+447306600005')).body.customer.id as string;
    const order = await checkout('+447306600005', { redeemPoints: 1500 });
    expect(order.body).toMatchObject({ pointsRedeemed: 1500, pointsEarned: 1500 });
    const cancelled = await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(await customer(id)).toMatchObject({ points_balance: LIMIT, ledger_rows: 5 });
    await expectInvariants(t.sql);
  });

  test('a cancellation that would leave the balance past the limit is refused with 409 limit_exceeded and changes nothing', async () => {
    const id = (await earn('+447306600006')).body.customer.id as string;
    expect((await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 100 })).status).toBe(200);
    // Redeems 100 and earns nothing (all 2000 cents are discounted at a point value of 20): the balance drops to LIMIT - 200.
    expect((await t.a.patch('/api/v1/settings', { pointValueCents: 20 })).status).toBe(200);
    const order = await checkout('+447306600006', { redeemPoints: 100 });
    expect((await t.a.patch('/api/v1/settings', { pointValueCents: 1 })).status).toBe(200);
    expect(order.body).toMatchObject({ pointsRedeemed: 100, pointsEarned: 0 });
    // The balance is filled back up to the limit; returning the 100 points would pass it.
    expect((await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 200 })).status).toBe(200);
    const before = await customer(id);
    const r = await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'limit_exceeded', limit: 'pointsBalance', max: LIMIT });
    expect(await customer(id)).toEqual(before);
    expect((await t.sql`select status from orders where id = ${order.body.id}`)[0].status).toBe('pending');
    // Spend first, and the same cancellation goes through.
    expect((await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 100 })).status).toBe(200);
    expect((await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect((await customer(id)).points_balance).toBe(LIMIT);
    await expectInvariants(t.sql);
  });

  test('lifetime totals are bigint and refused at 2^53 - 1, the largest integer JSON carries exactly', async () => {
    const id = (await t.a.post('/api/v1/customers', { phone: '+447306600004' })).body.id as string;
    // Reaching this honestly takes millions of full-balance earn-and-spend cycles: place the customer there.
    await t.sql`update customers set total_points_earned = 9007199254740991 - 10, total_points_redeemed = 9007199254740991 - 10 where id = ${id}`;
    const add = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 11 });
    expect(add.status).toBe(409);
    expect(add.body).toMatchObject({ code: 'limit_exceeded', limit: 'totalPointsEarned', max: Number.MAX_SAFE_INTEGER });
    const ok = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 10 });
    expect(ok.status).toBe(200);
    expect(ok.body.customer.totalPointsEarned).toBe(Number.MAX_SAFE_INTEGER);
    const redeem = await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 10 });
    expect(redeem.body.customer.totalPointsRedeemed).toBe(Number.MAX_SAFE_INTEGER);
    expect((await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 1 })).body).toMatchObject({ code: 'limit_exceeded', limit: 'totalPointsEarned' });
    // A checkout is still a sale: it earns nothing more.
    const order = await checkout('+447306600004');
    expect(order.status).toBe(201);
    expect(order.body.pointsEarned).toBe(0);
    await expectInvariants(t.sql);
  });

  test('an order subtotal over the bound is 400 naming items, before any SQL', async () => {
    const r = await t.a.post('/api/v1/orders', {
      source: 'pos', orderType: 'collection', items: [{ name: 'Banquet', quantity: 1000, unitPriceCents: 100_001 }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: 'items', message: `the order subtotal may not exceed ${MAX_TOTAL} minor units` }]);
  });
});
