import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, eventsAfter, expectInvariants, footprint, fries, lastEventId } from '../support/fixtures.ts';

const t = await testApp();

/** A cancelled order whose claw-back fell short by `short` points: one open queue item. */
async function shortfall(phone: string, spend: number) {
  const customer = await enrol(t.a, phone);
  const order = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries], customer: { phone } });
  expect(order.body.pointsEarned).toBe(20);
  expect((await t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: spend })).status).toBe(200);
  expect((await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
  const [item] = await t.sql`select id from reconciliation_queue where order_id = ${order.body.id}`;
  return { customer, order: order.body, itemId: item.id as string };
}

describe('reconciliation queue', () => {
  test('open items are listed newest first with what is owed', async () => {
    const first = await shortfall('+447306580001', 20);
    const second = await shortfall('+447306580002', 15);
    const r = await t.a.get('/api/v1/reconciliation');
    expect(r.status).toBe(200);
    expect(r.body.data.map((i: any) => i.id)).toEqual([second.itemId, first.itemId]);
    expect(r.body.data[0]).toEqual({
      id: second.itemId, kind: 'clawback_shortfall', customerId: second.customer.id, orderId: second.order.id, giftCardId: null,
      points: 15, amountCents: 0, detail: expect.stringContaining('15 points are still owed'), createdAt: expect.any(String),
      resolvedAt: null, resolvedBy: null, resolutionNote: null, resolutionTransactionId: null,
    });
    const page = await t.a.get('/api/v1/reconciliation?limit=1');
    expect(page.body.data).toHaveLength(1);
    const rest = await t.a.get(`/api/v1/reconciliation?limit=1&cursor=${page.body.nextCursor}`);
    expect(rest.body.data.map((i: any) => i.id)).toEqual([first.itemId]);
    expect((await t.b.get('/api/v1/reconciliation')).body.data).toEqual([]);
  });

  test('resolving with a points amount adds a correcting adjust row and never edits the ledger', async () => {
    const { customer, itemId, order } = await shortfall('+447306580003', 20);
    expect((await t.a.post(`/api/v1/customers/${customer.id}/points/add`, { points: 50 })).status).toBe(200);
    const ledgerBefore = await t.sql`select * from ledger where customer_id = ${customer.id} order by seq`;
    const after = await lastEventId(t.sql, t.tenantA.id);
    const r = await t.a.post(`/api/v1/reconciliation/${itemId}/resolve`, { note: 'Customer agreed to the deduction', points: -20 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: itemId, resolvedBy: expect.stringMatching(/^key:/), resolutionNote: 'Customer agreed to the deduction',
      resolvedAt: expect.any(String), resolutionTransactionId: r.body.transaction.id,
      transaction: { type: 'adjust', points: -20, balanceBefore: 50, balanceAfter: 30, orderId: order.id,
        reason: 'Reconciliation (clawback_shortfall): Customer agreed to the deduction' },
    });
    const ledgerAfter = await t.sql`select * from ledger where customer_id = ${customer.id} order by seq`;
    expect(ledgerAfter.slice(0, ledgerBefore.length)).toEqual(ledgerBefore);
    expect(ledgerAfter).toHaveLength(ledgerBefore.length + 1);
    expect((await eventsAfter(t.sql, t.tenantA.id, after)).map((e) => e.type)).toEqual(['loyalty_updated', 'reconciliation_resolved']);
    expect((await t.a.get('/api/v1/reconciliation')).body.data.map((i: any) => i.id)).not.toContain(itemId);
    expect((await t.a.get('/api/v1/reconciliation?status=resolved')).body.data.map((i: any) => i.id)).toContain(itemId);
    await expectInvariants(t.sql);
  });

  test('resolving with only a note writes no ledger row; resolving twice is 409 already_resolved', async () => {
    const { itemId } = await shortfall('+447306580004', 20);
    const before = await footprint(t.sql);
    const r = await t.a.post(`/api/v1/reconciliation/${itemId}/resolve`, { note: 'Written off' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ resolutionNote: 'Written off', transaction: null, resolutionTransactionId: null });
    expect(await footprint(t.sql)).toEqual({ ...before, events: before.events + 1 });
    const again = await t.a.post(`/api/v1/reconciliation/${itemId}/resolve`, { note: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_resolved');
  });

  test('a correction that would take the balance below zero is refused and the item stays open', async () => {
    const { itemId } = await shortfall('+447306580005', 20);
    const before = await footprint(t.sql);
    const r = await t.a.post(`/api/v1/reconciliation/${itemId}/resolve`, { note: 'Deduct', points: -20 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('insufficient_points');
    expect(await footprint(t.sql)).toEqual(before);
    const [item] = await t.sql`select resolved_at from reconciliation_queue where id = ${itemId}`;
    expect(item.resolved_at).toBeNull();
  });
});
