import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, footprint, issueCard } from '../support/fixtures.ts';

const t = await testApp();

// Tenant A's order, gift card and reconciliation item; tenant B tries every new route on them.
const customer = await enrol(t.a, '+447306590001');
const card = await issueCard(t.a, 1000);
const order = (await t.a.post('/api/v1/orders', {
  source: 'online', orderType: 'delivery', customer: { phone: '+447306590001' }, items: [burger], giftCard: { code: card.code, amountCents: 100 },
})).body;
const shortOrder = (await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', customer: { phone: '+447306590001' }, items: [burger] })).body;
await t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: 17 + 17 });
await t.a.post(`/api/v1/orders/${shortOrder.id}/status`, { status: 'cancelled' });
const [item] = await t.sql`select id from reconciliation_queue where order_id = ${shortOrder.id}`;

async function snapshot() {
  const [o] = await t.sql`select status, updated_at from orders where id = ${order.id}`;
  const [g] = await t.sql`select status, balance_cents from gift_cards where id = ${card.id}`;
  const [q] = await t.sql`select resolved_at from reconciliation_queue where id = ${item.id}`;
  return { o, g, q, ...(await footprint(t.sql)) };
}

const OTHER_CODE = 'GC-0000-0000-0000-0001';
const MATRIX: Array<[string, string, string, unknown?]> = [
  ['GET', `/api/v1/orders/${order.id}`, `/api/v1/orders/${crypto.randomUUID()}`],
  ['GET', `/api/v1/orders/${order.id}/history`, `/api/v1/orders/${crypto.randomUUID()}/history`],
  ['POST', `/api/v1/orders/${order.id}/status`, `/api/v1/orders/${crypto.randomUUID()}/status`, { status: 'preparing' }],
  ['POST', `/api/v1/orders/${order.id}/status`, `/api/v1/orders/${crypto.randomUUID()}/status`, { status: 'cancelled' }],
  ['GET', `/api/v1/gift-cards/${card.code}`, `/api/v1/gift-cards/${OTHER_CODE}`],
  ['GET', `/api/v1/gift-cards/${card.code}/activity`, `/api/v1/gift-cards/${OTHER_CODE}/activity`],
  ['POST', `/api/v1/gift-cards/${card.code}/redeem`, `/api/v1/gift-cards/${OTHER_CODE}/redeem`, { amountCents: 100 }],
  ['POST', `/api/v1/gift-cards/${card.code}/void`, `/api/v1/gift-cards/${OTHER_CODE}/void`, {}],
  ['POST', `/api/v1/reconciliation/${item.id}/resolve`, `/api/v1/reconciliation/${crypto.randomUUID()}/resolve`, { note: 'mine now', points: 5 }],
];

describe('tenant isolation (I7) for orders, gift cards and reconciliation', () => {
  for (const [method, path, missingPath, body] of MATRIX) {
    const label = path.replace(order.id, '{id}').replace(card.code, '{code}').replace(item.id, '{id}');
    test(`tenant B gets 404 not_found for ${method} ${label}${body ? ' ' + JSON.stringify(body) : ''}, exactly as for one that does not exist, and nothing changes`, async () => {
      await t.sql`delete from gift_card_misses`;
      const before = await snapshot();
      const r = await t.b.call(method, path, body);
      const missing = await t.b.call(method, missingPath, body);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('not_found');
      expect({ status: missing.status, body: missing.body }).toEqual({ status: r.status, body: r.body });
      expect(await snapshot()).toEqual(before);
    });
  }

  test("tenant B cannot pay with tenant A's gift card at checkout: 404 and nothing is written", async () => {
    const before = await snapshot();
    const r = await t.b.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], giftCard: { code: card.code, amountCents: 100 } });
    expect(r.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  test("tenant B's order, report and queue lists never show tenant A's rows, and B's order numbers start at ORD-1001", async () => {
    expect((await t.b.get('/api/v1/orders')).body.data).toEqual([]);
    expect((await t.b.get('/api/v1/reconciliation?status=all')).body.data).toEqual([]);
    const [{ today }] = await t.sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as today`;
    const report = (await t.b.get(`/api/v1/reports/daily?date=${today}`)).body;
    expect(report).toMatchObject({ orders: 0, revenueCents: 0, giftCardsSold: 0, pointsEarned: 0 });
    const mine = await t.b.post('/api/v1/orders', { source: 'pos', orderType: 'collection', customer: { phone: '+447306590001' }, items: [burger] });
    expect(mine.body.orderNumber).toBe('ORD-1001');
    expect(mine.body.customerId).not.toBe(customer.id);
  });

  test('every new route answers 401 without a key', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/orders'], ['POST', '/api/v1/orders'], ['GET', `/api/v1/orders/${order.id}`],
      ['POST', `/api/v1/orders/${order.id}/status`], ['POST', '/api/v1/gift-cards'], ['GET', `/api/v1/gift-cards/${card.code}`],
      ['POST', `/api/v1/gift-cards/${card.code}/redeem`], ['POST', `/api/v1/gift-cards/${card.code}/void`],
      ['GET', '/api/v1/reports/daily?date=2026-01-01'], ['GET', '/api/v1/reconciliation'], ['POST', `/api/v1/reconciliation/${item.id}/resolve`],
    ]) {
      const r = await t.anon.call(method, path, method === 'POST' ? {} : undefined);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unauthorized');
    }
  });
});
