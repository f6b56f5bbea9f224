import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, eventsAfter, expectInvariants, footprint, fries, issueCard, lastEventId } from '../support/fixtures.ts';

const t = await testApp();
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);

describe('checkout', () => {
  test('a POS order for an unknown phone enrols the customer, computes totals server-side and is numbered ORD-1001', async () => {
    const before = await lastEventId(t.sql, t.tenantA.id);
    const r = await t.a.post('/api/v1/orders', {
      source: 'pos', orderType: 'dine_in', customer: { phone: '07306 510001', name: 'Ana Diner', email: 'ana@example.com' },
      items: [burger, fries], specialInstructions: '  table 4  ',
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({
      id: UUID, orderNumber: 'ORD-1001', source: 'pos', orderType: 'dine_in', status: 'pending',
      customerId: UUID, customerName: 'Ana Diner', customerPhone: '+447306510001',
      items: [
        { name: 'Burger', quantity: 2, unitPriceCents: 850, lineTotalCents: 1700 },
        { name: 'Fries', quantity: 1, unitPriceCents: 300, lineTotalCents: 300 },
      ],
      subtotalCents: 2000, pointsDiscountCents: 0, giftCardCents: 0, totalCents: 2000,
      pointsRedeemed: 0, pointsEarned: 20, specialInstructions: 'table 4', locationId: null, createdAt: ISO, updatedAt: ISO,
    });
    const [c] = await t.sql`select * from customers where id = ${r.body.customerId}`;
    expect(c).toMatchObject({ phone: '+447306510001', name: 'Ana Diner', email: 'ana@example.com', points_balance: 20, total_points_earned: 20 });
    const ledger = await t.sql`select type, points, balance_before, balance_after, order_id, reason from ledger where customer_id = ${c.id}`;
    expect(ledger).toEqual([{ type: 'earn', points: 20, balance_before: 0, balance_after: 20, order_id: r.body.id, reason: 'Earned on order ORD-1001' }] as never);
    const history = await t.sql`select from_status, to_status, actor from order_status_history where order_id = ${r.body.id}`;
    expect(history).toEqual([{ from_status: null, to_status: 'pending', actor: expect.stringMatching(/^key:/) }] as never);

    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['customer_created', 'new_order', 'loyalty_updated']);
    expect(events[1].data).toEqual({
      orderId: r.body.id, orderNumber: 'ORD-1001', source: 'pos', status: 'pending', customerId: c.id,
      customerName: 'Ana Diner', customerPhone: '+447306510001', orderType: 'dine_in', totalCents: 2000,
      items: r.body.items, specialInstructions: 'table 4', createdAt: r.body.createdAt,
    });
    expect(events[2].data).toMatchObject({ customerId: c.id, pointsChange: 20, newBalance: 20, transactionType: 'earn', orderId: r.body.id });

    const next = await t.a.post('/api/v1/orders', { source: 'online', orderType: 'collection', items: [fries] });
    expect(next.status).toBe(201);
    expect(next.body.orderNumber).toBe('ORD-1002');
    expect(next.body).toMatchObject({ customerId: null, customerName: null, customerPhone: null, pointsEarned: 0, specialInstructions: null });
    await expectInvariants(t.sql);
  });

  test('redeeming points and paying part by gift card writes one order, ledger and activity rows that reference it, and the events new_order, loyalty_updated, gift_card_redeemed', async () => {
    const customer = await enrol(t.a, '+447306510002', 500, 'Bo Points');
    const card = await issueCard(t.a, 1000);
    const before = await lastEventId(t.sql, t.tenantA.id);
    const r = await t.a.post('/api/v1/orders', {
      source: 'online', orderType: 'delivery', customer: { phone: '+44 7306 510002' }, items: [burger, fries],
      redeemPoints: 300, giftCard: { code: card.code.toLowerCase().replaceAll('-', ' '), amountCents: 600 },
    });
    expect(r.status).toBe(201);
    // 2000 subtotal - 300 points at 1 cent - 600 gift card = 1100 to pay; earned on 2000 - 300 = 1700 → 17 points.
    expect(r.body).toMatchObject({
      customerId: customer.id, customerName: 'Bo Points', subtotalCents: 2000, pointsRedeemed: 300, pointsDiscountCents: 300,
      giftCardCents: 600, totalCents: 1100, pointsEarned: 17,
    });
    const [o] = await t.sql`select gift_card_id, total_cents from orders where id = ${r.body.id}`;
    expect(o).toEqual({ gift_card_id: card.id, total_cents: 1100 });
    const ledger = await t.sql`select type, points, balance_before, balance_after from ledger
      where customer_id = ${customer.id} and order_id = ${r.body.id} order by seq`;
    expect(ledger).toEqual([
      { type: 'redeem', points: -300, balance_before: 500, balance_after: 200 },
      { type: 'earn', points: 17, balance_before: 200, balance_after: 217 },
    ] as never);
    const activity = await t.sql`select type, amount_cents, balance_before, balance_after from gift_card_activity
      where gift_card_id = ${card.id} and order_id = ${r.body.id}`;
    expect(activity).toEqual([{ type: 'redeem', amount_cents: -600, balance_before: 1000, balance_after: 400 }] as never);
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(400);

    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['new_order', 'loyalty_updated', 'gift_card_redeemed', 'loyalty_updated']);
    expect(events[1].data).toMatchObject({ pointsChange: -300, newBalance: 200, transactionType: 'redeem', orderId: r.body.id });
    const [act] = await t.sql`select id from gift_card_activity where order_id = ${r.body.id}`;
    expect(events[2].data).toEqual({
      giftCardId: card.id, maskedCode: `GC-****-****-****-${card.code.slice(-4)}`, status: 'active', activityType: 'redeem',
      amountCents: -600, balanceCents: 400, orderId: r.body.id, activityId: act.id,
    });
    expect(events[3].data).toMatchObject({ pointsChange: 17, newBalance: 217, transactionType: 'earn' });
    await expectInvariants(t.sql);
  });

  test("points are earned on subtotal minus points discount under the tenant's rule, and the discount uses the tenant's point value", async () => {
    const settings = await t.b.patch('/api/v1/settings', { earnPointsPerUnit: 2.5, earnMinOrderCents: 1000, pointValueCents: 5 });
    expect(settings.status).toBe(200);
    await enrol(t.b, '+447306510003', 100);
    const r = await t.b.post('/api/v1/orders', {
      source: 'pos', orderType: 'collection', customer: { phone: '+447306510003' },
      items: [{ name: 'Feast', quantity: 3, unitPriceCents: 1001 }], redeemPoints: 61,
    });
    expect(r.status).toBe(201);
    // 3003 - 61 × 5 = 2698 paid; floor(2698 × 2.5 / 100) = 67.
    expect(r.body).toMatchObject({ subtotalCents: 3003, pointsDiscountCents: 305, totalCents: 2698, pointsEarned: 67, orderNumber: 'ORD-1001' });
    const small = await t.b.post('/api/v1/orders', {
      source: 'pos', orderType: 'collection', customer: { phone: '+447306510003' }, items: [{ name: 'Tea', quantity: 1, unitPriceCents: 999 }],
    });
    expect(small.status).toBe(201);
    expect(small.body.pointsEarned).toBe(0);
    const [{ n }] = await t.sql`select count(*)::int as n from ledger where order_id = ${small.body.id}`;
    expect(n).toBe(0);
    await expectInvariants(t.sql);
  });

  test('the same Idempotency-Key and body replay the stored order without a second checkout; another body with that key is 422', async () => {
    await enrol(t.a, '+447306510004', 100);
    const card = await issueCard(t.a, 500);
    const body = {
      source: 'pos', orderType: 'dine_in', customer: { phone: '+447306510004' }, items: [burger],
      redeemPoints: 50, giftCard: { code: card.code, amountCents: 200 },
    };
    const first = await t.a.post('/api/v1/orders', body, { 'idempotency-key': 'till-7-sale-1' });
    expect(first.status).toBe(201);
    const before = await footprint(t.sql);
    const again = await t.a.post('/api/v1/orders', body, { 'idempotency-key': 'till-7-sale-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await footprint(t.sql)).toEqual(before);
    const other = await t.a.post('/api/v1/orders', { ...body, redeemPoints: 10 }, { 'idempotency-key': 'till-7-sale-1' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await footprint(t.sql)).toEqual(before);
  });
});

describe('all or nothing', () => {
  const base = { source: 'pos', orderType: 'collection', items: [burger, fries] }; // subtotal 2000

  const cases: [string, () => Promise<Record<string, unknown>>, number, string][] = [
    ['too few points', async () => {
      await enrol(t.a, '+447306520001', 50);
      return { ...base, customer: { phone: '+447306520001' }, redeemPoints: 51 };
    }, 409, 'insufficient_points'],
    ['a points discount larger than the subtotal', async () => {
      await enrol(t.a, '+447306520002', 5000);
      return { ...base, customer: { phone: '+447306520002' }, redeemPoints: 2001 };
    }, 409, 'redemption_exceeds_subtotal'],
    ['an unknown gift card', async () => ({ ...base, customer: { phone: '+447306520003' }, giftCard: { code: 'GC-0000-0000-0000-0000', amountCents: 100 } }), 404, 'not_found'],
    ['a gift card with too little on it', async () => {
      const card = await issueCard(t.a, 300);
      return { ...base, customer: { phone: '+447306520004' }, giftCard: { code: card.code, amountCents: 301 } };
    }, 409, 'insufficient_funds'],
    ['a void gift card', async () => {
      const card = await issueCard(t.a, 300);
      expect((await t.a.post(`/api/v1/gift-cards/${card.code}/void`, {})).status).toBe(200);
      return { ...base, customer: { phone: '+447306520005' }, giftCard: { code: card.code, amountCents: 100 } };
    }, 409, 'gift_card_void'],
    ['an expired gift card', async () => {
      const card = await issueCard(t.a, 300);
      await t.sql`update gift_cards set expires_at = now() - interval '1 day' where id = ${card.id}`;
      return { ...base, customer: { phone: '+447306520006' }, giftCard: { code: card.code, amountCents: 100 } };
    }, 409, 'gift_card_expired'],
    ['a gift card amount above what is left after the points discount', async () => {
      await enrol(t.a, '+447306520007', 500);
      const card = await issueCard(t.a, 5000);
      return { ...base, customer: { phone: '+447306520007' }, redeemPoints: 500, giftCard: { code: card.code, amountCents: 1501 } };
    }, 409, 'gift_card_exceeds_total'],
    ['enough points but a refused gift card', async () => {
      await enrol(t.a, '+447306520008', 500);
      const card = await issueCard(t.a, 100);
      return { ...base, customer: { phone: '+447306520008' }, redeemPoints: 100, giftCard: { code: card.code, amountCents: 200 } };
    }, 409, 'insufficient_funds'],
    ['points redeemed without a customer', async () => ({ ...base, redeemPoints: 10 }), 400, 'validation_failed'],
    ['no items', async () => ({ ...base, items: [], customer: { phone: '+447306520009' } }), 400, 'validation_failed'],
    ['a subtotal above the limit', async () => ({
      ...base, customer: { phone: '+447306520010' }, items: Array.from({ length: 11 }, (_, i) => ({ name: `Case ${i}`, quantity: 1000, unitPriceCents: 10_000_000 })),
    }), 400, 'validation_failed'],
    ['a malformed gift card code', async () => ({ ...base, customer: { phone: '+447306520011' }, giftCard: { code: 'GC-12', amountCents: 100 } }), 400, 'validation_failed'],
  ];

  for (const [what, setup, status, code] of cases) {
    test(`a checkout refused for ${what} (${status} ${code}) leaves no order, ledger, activity, customer or event rows`, async () => {
      const body = await setup();
      const before = await footprint(t.sql);
      const r = await t.a.post('/api/v1/orders', body);
      expect(r.status).toBe(status);
      expect(r.body.code).toBe(code);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(await footprint(t.sql)).toEqual(before);
      await expectInvariants(t.sql);
    });
  }

  test('the insufficient_points refusal names what was available and requested', async () => {
    await enrol(t.a, '+447306520020', 40);
    const r = await t.a.post('/api/v1/orders', { ...base, customer: { phone: '+447306520020' }, redeemPoints: 41 });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'insufficient_points', available: 40, requested: 41, detail: 'Insufficient loyalty points. Available: 40, Requested: 41' });
  });

  test('the refusals for too large a discount or gift card amount say how much is allowed', async () => {
    await enrol(t.a, '+447306520021', 5000);
    const points = await t.a.post('/api/v1/orders', { ...base, customer: { phone: '+447306520021' }, redeemPoints: 2500 });
    expect(points.body).toMatchObject({ code: 'redemption_exceeds_subtotal', subtotalCents: 2000, maxRedeemablePoints: 2000 });
    const card = await issueCard(t.a, 5000);
    const gift = await t.a.post('/api/v1/orders', { ...base, giftCard: { code: card.code, amountCents: 2001 } });
    expect(gift.body).toMatchObject({ code: 'gift_card_exceeds_total', remainingCents: 2000, requested: 2001 });
  });
});

describe('atomicity under a late failure', () => {
  test('a failure writing the gift card activity, after the order and points rows were written, rolls the whole checkout back', async () => {
    await enrol(t.a, '+447306530001', 500);
    const card = await issueCard(t.a, 1000);
    await t.sql`create function fail_activity() returns trigger language plpgsql as $$
      begin raise exception 'simulated failure writing gift card activity'; end $$`;
    await t.sql`create trigger fail_activity before insert on gift_card_activity for each row
      when (new.type = 'redeem') execute function fail_activity()`;
    try {
      const before = await footprint(t.sql);
      const r = await t.a.post('/api/v1/orders', {
        source: 'online', orderType: 'delivery', customer: { phone: '+447306530001' }, items: [burger],
        redeemPoints: 100, giftCard: { code: card.code, amountCents: 500 },
      });
      expect(r.status).toBe(500);
      expect(r.body).toMatchObject({ code: 'internal_error' });
      expect(JSON.stringify(r.body)).not.toContain('simulated');
      expect(await footprint(t.sql)).toEqual(before);
      const [c] = await t.sql`select points_balance from customers where phone = '+447306530001'`;
      expect(c.points_balance).toBe(500);
    } finally {
      await t.sql`drop trigger fail_activity on gift_card_activity`;
      await t.sql`drop function fail_activity()`;
    }
    await expectInvariants(t.sql);
  });
});
