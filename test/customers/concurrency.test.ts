import { describe, expect, test } from 'bun:test';
import { pointsInvariants, testApp } from '../support/app.ts';
import { enrol } from '../support/fixtures.ts';

const t = await testApp();

const enrolWith = async (points: number, phone: string) => (await enrol(t.a, phone, points)).id;

describe('concurrent redemption', () => {
  test('64 concurrent redemptions of the full balance: exactly one succeeds, 63 get insufficient_points', async () => {
    const id = await enrolWith(500, '+447306500001');
    const results = await Promise.all(
      Array.from({ length: 64 }, () => t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 500 })),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(63);
    for (const r of refused) {
      expect(r.body.code).toBe('insufficient_points');
      expect(r.body.available).toBe(0);
      expect(r.body.requested).toBe(500);
      expect(r.body.detail).toBe('Insufficient loyalty points. Available: 0, Requested: 500');
    }
    const [c] = await t.sql`select points_balance, total_points_redeemed from customers where id = ${id}`;
    expect(c.points_balance).toBe(0);
    expect(c.total_points_redeemed).toBe(500);
    const [{ n, total }] = await t.sql`select count(*)::int as n, sum(points)::int as total from ledger where customer_id = ${id}`;
    expect(n).toBe(2); // the add and the one redemption
    expect(total).toBe(0);
    expect(await pointsInvariants(t.sql)).toEqual({ discrepancies: 0, negative: 0, broken: 0 });
  });

  test('a random concurrent mix of adds and redeems over several customers keeps every balance equal to its ledger and the acknowledged operations', async () => {
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => enrolWith(50, `+44730650010${i}`)));
    const expected = new Map(ids.map((id) => [id, 50]));
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ops = Array.from({ length: 200 }, () => {
      const id = ids[Math.floor(rand() * ids.length)];
      const redeem = rand() < 0.55;
      const points = 1 + Math.floor(rand() * 40);
      return { id, redeem, points };
    });
    const results = await Promise.all(
      ops.map((op) => t.a.post(`/api/v1/customers/${op.id}/points/${op.redeem ? 'redeem' : 'add'}`, { points: op.points })),
    );
    results.forEach((r, i) => {
      const op = ops[i];
      if (r.status === 200) expected.set(op.id, expected.get(op.id)! + (op.redeem ? -op.points : op.points));
      else {
        expect(op.redeem).toBe(true);
        expect(r.status).toBe(409);
        expect(r.body.code).toBe('insufficient_points');
      }
    });
    expect(results.some((r) => r.status === 409)).toBe(true);
    for (const id of ids) {
      const [c] = await t.sql`select points_balance from customers where id = ${id}`;
      expect(c.points_balance).toBe(expected.get(id)!);
      expect(c.points_balance).toBeGreaterThanOrEqual(0);
    }
    expect(await pointsInvariants(t.sql)).toEqual({ discrepancies: 0, negative: 0, broken: 0 });
  });
});

describe('ledger', () => {
  test('ledger rows cannot be updated or deleted, even by the owner role', async () => {
    const id = await enrolWith(10, '+447306500200');
    await expect(t.sql`update ledger set points = 99 where customer_id = ${id}`).rejects.toThrow(/append-only/);
    await expect(t.sql`delete from ledger where customer_id = ${id}`).rejects.toThrow(/append-only/);
    const [{ n }] = await t.sql`select count(*)::int as n from ledger where customer_id = ${id} and points = 10`;
    expect(n).toBe(1);
  });

  test('the discrepancy view lists a customer whose balance was changed outside the ledger', async () => {
    const id = await enrolWith(10, '+447306500201');
    await t.sql`update customers set points_balance = 11 where id = ${id}`;
    const rows = await t.sql`select * from points_discrepancies where customer_id = ${id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0].ledger_sum).toBe(10);
    await t.sql`update customers set points_balance = 10 where id = ${id}`;
    expect(await t.sql`select * from points_discrepancies`).toHaveLength(0);
  });
});
