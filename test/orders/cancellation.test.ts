import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, eventsAfter, expectInvariants, footprint, fries, issueCard, lastEventId } from '../support/fixtures.ts';

const t = await testApp();
const base = { source: 'pos', orderType: 'collection', items: [burger, fries] }; // subtotal 2000

async function checkout(body: Record<string, unknown>) {
  const r = await t.a.post('/api/v1/orders', { ...base, ...body });
  expect(r.status).toBe(201);
  return r.body;
}
const cancel = (id: string, headers?: Record<string, string>) => t.a.post(`/api/v1/orders/${id}/status`, { status: 'cancelled' }, headers);
const ledgerOf = (orderId: string) =>
  t.sql`select type, points, balance_before, balance_after, reason from ledger where order_id = ${orderId} order by seq`;

describe('cancellation reverses the checkout', () => {
  test('cancelling returns the redeemed points, claws back the earned points as reversal rows, and refunds the gift card', async () => {
    const customer = await enrol(t.a, '+447306560001', 500);
    const card = await issueCard(t.a, 1000);
    const order = await checkout({ customer: { phone: '+447306560001' }, redeemPoints: 300, giftCard: { code: card.code, amountCents: 600 } });
    expect(order).toMatchObject({ pointsRedeemed: 300, pointsEarned: 17, giftCardCents: 600 });
    const after = await lastEventId(t.sql, t.tenantA.id);

    const r = await cancel(order.id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'cancelled', pointsRedeemed: 300, pointsEarned: 17, giftCardCents: 600 });
    expect(await ledgerOf(order.id)).toEqual([
      { type: 'redeem', points: -300, balance_before: 500, balance_after: 200, reason: `Redeemed at checkout ${order.orderNumber}` },
      { type: 'earn', points: 17, balance_before: 200, balance_after: 217, reason: `Earned on order ${order.orderNumber}` },
      { type: 'reversal', points: 300, balance_before: 217, balance_after: 517, reason: `Order ${order.orderNumber} cancelled: redeemed points returned` },
      { type: 'reversal', points: -17, balance_before: 517, balance_after: 500, reason: `Order ${order.orderNumber} cancelled: earned points clawed back` },
    ] as never);
    const [c] = await t.sql`select points_balance, total_points_earned, total_points_redeemed from customers where id = ${customer.id}`;
    expect(c).toEqual({ points_balance: 500, total_points_earned: 500, total_points_redeemed: 0 });
    const activity = await t.sql`select type, amount_cents, balance_after, order_id from gift_card_activity where gift_card_id = ${card.id} order by seq`;
    expect(activity).toEqual([
      { type: 'issue', amount_cents: 1000, balance_after: 1000, order_id: null },
      { type: 'redeem', amount_cents: -600, balance_after: 400, order_id: order.id },
      { type: 'refund', amount_cents: 600, balance_after: 1000, order_id: order.id },
    ] as never);
    const events = await eventsAfter(t.sql, t.tenantA.id, after);
    expect(events.map((e) => e.type)).toEqual(['order_updated', 'loyalty_updated', 'loyalty_updated', 'gift_card_updated']);
    expect(events[0].data).toMatchObject({ status: 'cancelled', previousStatus: 'pending' });
    expect(events[1].data).toMatchObject({ transactionType: 'reversal', pointsChange: 300, newBalance: 517 });
    expect(events[2].data).toMatchObject({ transactionType: 'reversal', pointsChange: -17, newBalance: 500 });
    const [refund] = await t.sql`select id from gift_card_activity where type = 'refund' and order_id = ${order.id}`;
    expect(events[3].data).toEqual({
      giftCardId: card.id, maskedCode: `GC-****-****-****-${card.code.slice(-4)}`, status: 'active', activityType: 'refund',
      amountCents: 600, balanceCents: 1000, orderId: order.id, activityId: refund.id,
    });
    expect(await t.sql`select * from reconciliation_queue where order_id = ${order.id}`).toHaveLength(0);
    await expectInvariants(t.sql);
  });

  test('returned points are credited before the claw-back, so points spent from this order are covered by its own returned redemption', async () => {
    // 100 redeemed, 19 earned; the customer then spends every point they have left.
    const customer = await enrol(t.a, '+447306560002', 100);
    const order = await checkout({ customer: { phone: '+447306560002' }, redeemPoints: 100 });
    expect(order.pointsEarned).toBe(19);
    expect((await t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: 19 })).status).toBe(200);
    expect((await cancel(order.id)).status).toBe(200);
    expect((await ledgerOf(order.id)).slice(2)).toEqual([
      { type: 'reversal', points: 100, balance_before: 0, balance_after: 100, reason: expect.any(String) },
      { type: 'reversal', points: -19, balance_before: 100, balance_after: 81, reason: expect.any(String) },
    ] as never);
    expect(await t.sql`select * from reconciliation_queue where order_id = ${order.id}`).toHaveLength(0);
    await expectInvariants(t.sql);
  });

  test('a claw-back larger than the balance takes what is there and queues the shortfall for reconciliation', async () => {
    const customer = await enrol(t.a, '+447306560003');
    const order = await checkout({ customer: { phone: '+447306560003' } });
    expect(order.pointsEarned).toBe(20);
    expect((await t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: 15 })).status).toBe(200);
    const after = await lastEventId(t.sql, t.tenantA.id);
    expect((await cancel(order.id)).status).toBe(200);
    expect((await ledgerOf(order.id)).slice(1)).toEqual([
      { type: 'reversal', points: -5, balance_before: 5, balance_after: 0, reason: `Order ${order.orderNumber} cancelled: earned points clawed back` },
    ] as never);
    const [c] = await t.sql`select points_balance, total_points_earned from customers where id = ${customer.id}`;
    expect(c).toEqual({ points_balance: 0, total_points_earned: 15 });
    const queue = await t.sql`select kind, customer_id, points, amount_cents, detail, resolved_at from reconciliation_queue where order_id = ${order.id}`;
    expect(queue).toEqual([{
      kind: 'clawback_shortfall', customer_id: customer.id, points: 15, amount_cents: 0, resolved_at: null,
      detail: `Order ${order.orderNumber} was cancelled: 20 earned points should have been clawed back but the balance was 5; 15 points are still owed.`,
    }] as never);
    expect((await eventsAfter(t.sql, t.tenantA.id, after)).map((e) => e.type)).toEqual(['order_updated', 'loyalty_updated']);
    await expectInvariants(t.sql);
  });

  test('a claw-back against a zero balance writes no ledger row and queues the whole amount', async () => {
    const customer = await enrol(t.a, '+447306560004');
    const order = await checkout({ customer: { phone: '+447306560004' } });
    expect((await t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: 20 })).status).toBe(200);
    expect((await cancel(order.id)).status).toBe(200);
    expect(await ledgerOf(order.id)).toHaveLength(1); // the earn only
    const [q] = await t.sql`select kind, points from reconciliation_queue where order_id = ${order.id}`;
    expect(q).toEqual({ kind: 'clawback_shortfall', points: 20 });
    const [c] = await t.sql`select points_balance from customers where id = ${customer.id}`;
    expect(c.points_balance).toBe(0);
    await expectInvariants(t.sql);
  });

  test('a gift card voided after the checkout is not refunded: the amount goes on the reconciliation queue', async () => {
    const card = await issueCard(t.a, 1000);
    const order = await checkout({ giftCard: { code: card.code, amountCents: 700 } });
    expect((await t.a.post(`/api/v1/gift-cards/${card.code}/void`, { reason: 'reported stolen' })).status).toBe(200);
    expect((await cancel(order.id)).status).toBe(200);
    const [g] = await t.sql`select status, balance_cents from gift_cards where id = ${card.id}`;
    expect(g).toEqual({ status: 'void', balance_cents: 0 });
    expect(await t.sql`select * from gift_card_activity where gift_card_id = ${card.id} and type = 'refund'`).toHaveLength(0);
    const [q] = await t.sql`select kind, gift_card_id, amount_cents, points, detail from reconciliation_queue where order_id = ${order.id}`;
    expect(q).toEqual({
      kind: 'gift_card_refund_on_void_card', gift_card_id: card.id, amount_cents: 700, points: 0,
      detail: `Order ${order.orderNumber} was cancelled: 700 cents paid by gift card GC-****-****-****-${card.code.slice(-4)} could not be refunded because the card is void.`,
    });
    await expectInvariants(t.sql);
  });

  test('a gift card that expired after the checkout still gets its spend back', async () => {
    const card = await issueCard(t.a, 1000);
    const order = await checkout({ giftCard: { code: card.code, amountCents: 400 } });
    await t.sql`update gift_cards set expires_at = now() - interval '1 minute' where id = ${card.id}`;
    expect((await cancel(order.id)).status).toBe(200);
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(1000);
    await expectInvariants(t.sql);
  });

  test('a cancelled order without customer or gift card only changes status', async () => {
    const order = await checkout({});
    const before = await footprint(t.sql);
    expect((await cancel(order.id)).status).toBe(200);
    const after = await footprint(t.sql);
    expect(after).toEqual({ ...before, history: before.history + 1, events: before.events + 1 });
  });

  test('replaying a cancellation with its Idempotency-Key does not reverse twice', async () => {
    await enrol(t.a, '+447306560005', 200);
    const order = await checkout({ customer: { phone: '+447306560005' }, redeemPoints: 200 });
    const first = await cancel(order.id, { 'idempotency-key': 'cancel-1' });
    expect(first.status).toBe(200);
    const before = await footprint(t.sql);
    const again = await cancel(order.id, { 'idempotency-key': 'cancel-1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('two concurrent cancellations of one order reverse it once', async () => {
    await enrol(t.a, '+447306560006', 300);
    const card = await issueCard(t.a, 500);
    const order = await checkout({ customer: { phone: '+447306560006' }, redeemPoints: 300, giftCard: { code: card.code, amountCents: 500 } });
    const results = await Promise.all([cancel(order.id), cancel(order.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await t.sql`select * from ledger where order_id = ${order.id} and type = 'reversal'`).toHaveLength(2);
    expect(await t.sql`select * from gift_card_activity where order_id = ${order.id} and type = 'refund'`).toHaveLength(1);
    await expectInvariants(t.sql);
  });
});
