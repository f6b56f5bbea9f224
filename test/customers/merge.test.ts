import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger, enrol, eventsAfter, expectInvariants, lastEventId } from '../support/fixtures.ts';

// POST /api/v1/customers/{id}/merge (sql/0012_merge_erase.sql customer_merge): the duplicate's points
// move as a pair of ledger rows, its orders and old phone follow the survivor, and refusals change nothing.

const t = await testApp();

const ledgerOf = (id: string) => t.sql`select type, points, balance_before, balance_after from ledger where customer_id = ${id} order by seq`;
const customerRows = () => t.sql`select id, phone, merged_into, points_balance from customers order by id`;

describe('merging duplicates', () => {
  test('moves the points as a pair of ledger rows, re-points orders, and the old phone finds the survivor', async () => {
    const survivor = await enrol(t.a, '+447306600001', 120, 'Sam Merge');
    const dup = await enrol(t.a, '+447306600002', 80, 'Sam Merge');
    const order = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: dup.phone } });
    expect(order.status).toBe(201);
    const [{ points_balance: dupBalance }] = await t.sql`select points_balance from customers where id = ${dup.id}`;
    const before = await lastEventId(t.sql, t.tenantA.id);

    const r = await t.a.post(`/api/v1/customers/${survivor.id}/merge`, { duplicateId: dup.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: survivor.id, phone: '+447306600001', pointsBalance: 120 + dupBalance });

    expect((await ledgerOf(dup.id)).at(-1)).toEqual({ type: 'adjust', points: -dupBalance, balance_before: dupBalance, balance_after: 0 });
    expect((await ledgerOf(survivor.id)).at(-1)).toEqual({ type: 'adjust', points: dupBalance, balance_before: 120, balance_after: 120 + dupBalance });
    const [d] = await t.sql`select phone, merged_into, points_balance from customers where id = ${dup.id}`;
    expect(d).toEqual({ phone: null, merged_into: survivor.id, points_balance: 0 });
    const [o] = await t.sql`select customer_id from orders where id = ${order.body.id}`;
    expect(o.customer_id).toBe(survivor.id);
    await expectInvariants(t.sql);

    const found = await t.a.get('/api/v1/customers/lookup?phone=07306%20600002');
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(survivor.id);
    const listed = await t.a.get('/api/v1/customers?q=sam%20merge');
    expect(listed.body.data.map((c: any) => c.id)).toEqual([survivor.id]);

    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['loyalty_updated', 'loyalty_updated', 'customer_merged']);
    expect(events[2].data).toMatchObject({ customerId: survivor.id, duplicateId: dup.id, pointsMoved: dupBalance });
  });

  test('a duplicate with no points moves no ledger rows', async () => {
    const survivor = await enrol(t.a, '+447306600011');
    const dup = await enrol(t.a, '+447306600012');
    const [{ n }] = await t.sql`select count(*)::int as n from ledger`;
    expect((await t.a.post(`/api/v1/customers/${survivor.id}/merge`, { duplicateId: dup.id })).status).toBe(200);
    expect((await t.sql`select count(*)::int as n from ledger`)[0].n).toBe(n);
    await expectInvariants(t.sql);
  });

  test('merging into self, merging an already-merged customer, and merging across tenants are refused and change nothing', async () => {
    const a1 = await enrol(t.a, '+447306600021', 10);
    const a2 = await enrol(t.a, '+447306600022', 20);
    const a3 = await enrol(t.a, '+447306600023', 30);
    const b1 = await enrol(t.b, '+447306600024', 40);
    expect((await t.a.post(`/api/v1/customers/${a1.id}/merge`, { duplicateId: a2.id })).status).toBe(200);
    const rows = await customerRows();
    const events = await lastEventId(t.sql, t.tenantA.id);

    const self = await t.a.post(`/api/v1/customers/${a1.id}/merge`, { duplicateId: a1.id });
    expect([self.status, self.body.code]).toEqual([400, 'validation_failed']);
    const again = await t.a.post(`/api/v1/customers/${a3.id}/merge`, { duplicateId: a2.id });
    expect([again.status, again.body.code, again.body.customerId]).toEqual([409, 'already_merged', a1.id]);
    const into = await t.a.post(`/api/v1/customers/${a2.id}/merge`, { duplicateId: a3.id });
    expect([into.status, into.body.code]).toEqual([409, 'already_merged']);
    const across = await t.a.post(`/api/v1/customers/${a1.id}/merge`, { duplicateId: b1.id });
    expect([across.status, across.body.code]).toEqual([404, 'not_found']);
    const fromB = await t.b.post(`/api/v1/customers/${a1.id}/merge`, { duplicateId: a3.id });
    expect([fromB.status, fromB.body.code]).toEqual([404, 'not_found']);
    const junk = await t.a.post(`/api/v1/customers/${a1.id}/merge`, { duplicateId: 'not-an-id' });
    expect(junk.status).toBe(404);

    expect(await customerRows()).toEqual(rows);
    expect(await lastEventId(t.sql, t.tenantA.id)).toBe(events);
    await expectInvariants(t.sql);
  });

  test('merging two customers each into the other at once leaves one survivor, never a deadlock', async () => {
    const x = await enrol(t.a, '+447306600031', 5);
    const y = await enrol(t.a, '+447306600032', 7);
    const [r1, r2] = await Promise.all([
      t.a.post(`/api/v1/customers/${x.id}/merge`, { duplicateId: y.id }),
      t.a.post(`/api/v1/customers/${y.id}/merge`, { duplicateId: x.id }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const [{ n }] = await t.sql`select count(*)::int as n from customers where id in (${x.id}, ${y.id}) and merged_into is null`;
    expect(n).toBe(1);
    await expectInvariants(t.sql);
  });
});
