import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, expectInvariants, fries, issueCard } from '../support/fixtures.ts';

const t = await testApp();
const base = { source: 'pos', orderType: 'collection', items: [burger, fries] }; // subtotal 2000

async function rowsFor(orderIds: string[]) {
  const [r] = await t.sql`select
    (select count(*)::int from orders where id = any(${orderIds}::uuid[])) as orders,
    (select count(*)::int from ledger where order_id = any(${orderIds})) as ledger,
    (select count(*)::int from gift_card_activity where order_id = any(${orderIds})) as activity`;
  return r;
}

describe('concurrent checkouts', () => {
  test('two concurrent checkouts spending the same points: one wins, the other is refused with insufficient_points and writes nothing', async () => {
    const customer = await enrol(t.a, '+447306540001', 1000);
    const [x, y] = await Promise.all([1, 2].map(() =>
      t.a.post('/api/v1/orders', { ...base, customer: { phone: '+447306540001' }, redeemPoints: 1000 })));
    const won = [x, y].filter((r) => r.status === 201);
    const lost = [x, y].filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].body).toMatchObject({ code: 'insufficient_points', requested: 1000 });
    // The winner redeemed 1000 and earned floor((2000 - 1000) / 100) = 10.
    const [c] = await t.sql`select points_balance, total_points_redeemed from customers where id = ${customer.id}`;
    expect(c).toEqual({ points_balance: 10, total_points_redeemed: 1000 });
    const [{ orders }] = await t.sql`select count(*)::int as orders from orders where customer_id = ${customer.id}`;
    expect(orders).toBe(1);
    expect(await rowsFor([won[0].body.id])).toEqual({ orders: 1, ledger: 2, activity: 0 });
    await expectInvariants(t.sql);
  });

  test('two concurrent checkouts spending the same gift card: one wins, the other is refused with insufficient_funds and writes nothing', async () => {
    const card = await issueCard(t.a, 1500);
    const results = await Promise.all([1, 2].map((i) =>
      t.a.post('/api/v1/orders', { ...base, customer: { phone: `+44730654010${i}` }, giftCard: { code: card.code, amountCents: 1500 } })));
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].body).toMatchObject({ code: 'insufficient_funds', available: 0, requested: 1500 });
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(0);
    const activity = await t.sql`select type, amount_cents from gift_card_activity where gift_card_id = ${card.id} order by seq`;
    expect(activity).toEqual([{ type: 'issue', amount_cents: 1500 }, { type: 'redeem', amount_cents: -1500 }] as never);
    // The loser's phone was not enrolled either.
    const [{ customers }] = await t.sql`select count(*)::int as customers from customers where phone in ('+447306540101', '+447306540102')`;
    expect(customers).toBe(1);
    await expectInvariants(t.sql);
  });

  test('sixteen concurrent checkouts sharing one customer and one gift card, mixed with standalone redemptions and cancellations, never deadlock and keep every balance equal to its ledger', async () => {
    const customer = await enrol(t.a, '+447306540201', 300);
    const card = await issueCard(t.a, 3000);
    const placed = await t.a.post('/api/v1/orders', { ...base, customer: { phone: '+447306540201' }, redeemPoints: 100, giftCard: { code: card.code, amountCents: 500 } });
    expect(placed.status).toBe(201);
    const work = [
      ...Array.from({ length: 16 }, () =>
        t.a.post('/api/v1/orders', { ...base, customer: { phone: '+447306540201' }, redeemPoints: 40, giftCard: { code: card.code, amountCents: 300 } })),
      ...Array.from({ length: 4 }, () => t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 200 })),
      t.a.post(`/api/v1/orders/${placed.body.id}/status`, { status: 'cancelled' }),
      t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: 5 }),
    ];
    const results = await Promise.all(work);
    for (const r of results) {
      expect([200, 201, 409]).toContain(r.status);
      if (r.status === 409) expect(['insufficient_points', 'insufficient_funds']).toContain(r.body.code);
    }
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    expect(results.some((r) => r.status === 409)).toBe(true);
    const okOrders = results.slice(0, 16).filter((r) => r.status === 201);
    const okRedeems = results.slice(16, 20).filter((r) => r.status === 200);
    // Card: 3000 - 500 (first order) + 500 (its cancellation) - 300 per order - 200 per redemption.
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(3000 - 300 * okOrders.length - 200 * okRedeems.length);
    const [{ orders }] = await t.sql`select count(*)::int as orders from orders where customer_id = ${customer.id}`;
    expect(orders).toBe(1 + okOrders.length);
    await expectInvariants(t.sql);
  });
});
