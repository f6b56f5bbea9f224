import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, eventsAfter, expectInvariants, lastEventId } from '../support/fixtures.ts';

const t = await testApp();
const STATUSES = ['pending', 'preparing', 'ready', 'completed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];
const PATH: Record<Status, Status[]> = {
  pending: [], preparing: ['preparing'], ready: ['preparing', 'ready'],
  completed: ['preparing', 'ready', 'completed'], cancelled: ['cancelled'],
};
const NEXT: Record<Status, Status[]> = {
  pending: ['preparing', 'cancelled'], preparing: ['ready', 'cancelled'], ready: ['completed'], completed: [], cancelled: [],
};

async function orderIn(status: Status) {
  const r = await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] });
  expect(r.status).toBe(201);
  for (const s of PATH[status]) expect((await t.a.post(`/api/v1/orders/${r.body.id}/status`, { status: s })).status).toBe(200);
  return r.body as { id: string; orderNumber: string };
}

describe('status state machine', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = NEXT[from].includes(to);
      test(`${from} → ${to} is ${allowed ? 'allowed and recorded with its actor' : 'refused with 409 invalid_transition naming the allowed next states'}`, async () => {
        const order = await orderIn(from);
        const [{ n: historyBefore }] = await t.sql`select count(*)::int as n from order_status_history where order_id = ${order.id}`;
        const eventsBefore = await lastEventId(t.sql, t.tenantA.id);
        const r = await t.a.post(`/api/v1/orders/${order.id}/status`, { status: to });
        const [row] = await t.sql`select status from orders where id = ${order.id}`;
        const history = await t.sql`select from_status, to_status, actor from order_status_history where order_id = ${order.id} order by id`;
        const events = await eventsAfter(t.sql, t.tenantA.id, eventsBefore);
        if (allowed) {
          expect(r.status).toBe(200);
          expect(r.body).toMatchObject({ id: order.id, status: to });
          expect(row.status).toBe(to);
          expect(history).toHaveLength(historyBefore + 1);
          expect(history.at(-1)).toEqual({ from_status: from, to_status: to, actor: expect.stringMatching(/^key:[0-9a-f-]{36}$/) });
          expect(events.map((e) => e.type)).toEqual(['order_updated']);
          expect(events[0].data).toEqual({
            orderId: order.id, orderNumber: order.orderNumber, source: 'online', status: to, previousStatus: from, updatedAt: r.body.updatedAt,
          });
        } else {
          expect(r.status).toBe(409);
          expect(r.headers.get('content-type')).toContain('application/problem+json');
          expect(r.body).toMatchObject({ code: 'invalid_transition', currentStatus: from, requestedStatus: to, allowed: NEXT[from] });
          expect(r.body.detail).toBe(`Order ${order.orderNumber} cannot move from ${from} to ${to}; allowed next states: ${NEXT[from].join(', ') || 'none'}.`);
          expect(row.status).toBe(from);
          expect(history).toHaveLength(historyBefore);
          expect(events).toEqual([] as never);
        }
      });
    }
  }

  test('the history route lists every change oldest first with who made it', async () => {
    const order = await orderIn('completed');
    const r = await t.a.get(`/api/v1/orders/${order.id}/history`);
    expect(r.status).toBe(200);
    const actor = expect.stringMatching(/^key:/);
    expect(r.body.data.map((h: any) => [h.fromStatus, h.toStatus])).toEqual([
      [null, 'pending'], ['pending', 'preparing'], ['preparing', 'ready'], ['ready', 'completed'],
    ]);
    for (const h of r.body.data) expect(h).toMatchObject({ actor, createdAt: expect.any(String) });
  });

  test('two terminals moving the same order on at once: one applies, the other is refused, and one change is recorded', async () => {
    const order = await orderIn('pending');
    const results = await Promise.all([1, 2].map(() => t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'preparing' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body).toMatchObject({ code: 'invalid_transition', currentStatus: 'preparing' });
    const [{ n }] = await t.sql`select count(*)::int as n from order_status_history where order_id = ${order.id} and from_status = 'pending'`;
    expect(n).toBe(1);
  });
});

describe('the live order flow', () => {
  test("an online order appears on the tenant's events as new_order and each status change as order_updated, and not on another tenant's", async () => {
    const after = await lastEventId(t.sql, t.tenantA.id);
    const placed = await t.a.post('/api/v1/orders', {
      source: 'online', orderType: 'delivery', customer: { phone: '+447306550001', name: 'Sam Online' },
      items: [burger], specialInstructions: 'ring twice',
    });
    expect(placed.status).toBe(201);
    for (const s of ['preparing', 'ready', 'completed']) {
      expect((await t.a.post(`/api/v1/orders/${placed.body.id}/status`, { status: s })).status).toBe(200);
    }
    const rows = (await eventsAfter(t.sql, t.tenantA.id, after)).filter((e) => e.type === 'new_order' || e.type === 'order_updated');
    expect(rows.map((e) => [e.type, e.data.status, e.data.previousStatus ?? null])).toEqual([
      ['new_order', 'pending', null], ['order_updated', 'preparing', 'pending'],
      ['order_updated', 'ready', 'preparing'], ['order_updated', 'completed', 'ready'],
    ]);
    expect(rows[0].data).toEqual({
      orderId: placed.body.id, orderNumber: placed.body.orderNumber, source: 'online', status: 'pending',
      customerId: placed.body.customerId, customerName: 'Sam Online', customerPhone: '+447306550001', orderType: 'delivery',
      totalCents: 1700, items: [{ name: 'Burger', quantity: 2, unitPriceCents: 850, lineTotalCents: 1700 }],
      specialInstructions: 'ring twice', createdAt: placed.body.createdAt,
    });

    // The same, as a POS sees it through the JSON catch-up endpoint of the event stream.
    const feed = await t.a.get(`/api/v1/events?after=${after}&types=new_order,order_updated`);
    expect(feed.status).toBe(200);
    expect(feed.body.data.map((e: any) => ({ id: e.id, type: e.type, tenant: e.tenant, data: e.data }))).toEqual(
      rows.map((e) => ({ id: String(e.id), type: e.type, tenant: 'alpha', data: e.data })),
    );
    const other = await t.b.get('/api/v1/events?after=0&types=new_order,order_updated');
    expect(other.status).toBe(200);
    expect(other.body.data).toEqual([]);
    await expectInvariants(t.sql);
  });
});
