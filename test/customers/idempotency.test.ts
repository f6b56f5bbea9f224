import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { enrol } from '../support/fixtures.ts';

const t = await testApp();
const ledgerCount = async (id: string) => (await t.sql`select count(*)::int as n from ledger where customer_id = ${id}`)[0].n;

describe('Idempotency-Key', () => {
  test('a sequential replay returns the stored response with Idempotent-Replayed and applies once', async () => {
    const id = (await enrol(t.a, '+447306501001')).id;
    const first = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 25 }, { 'idempotency-key': 'seq-1' });
    const again = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 25 }, { 'idempotency-key': 'seq-1' });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ledgerCount(id)).toBe(1);
    const [{ n }] = await t.sql`select count(*)::int as n from events where type = 'loyalty_updated' and data->>'customerId' = ${id}`;
    expect(n).toBe(1);
  });

  test('20 parallel requests with one key apply once; the rest replay or are told the key is in use', async () => {
    const id = (await enrol(t.a, '+447306501002')).id;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.a.post(`/api/v1/customers/${id}/points/add`, { points: 7 }, { 'idempotency-key': 'par-1' })),
    );
    const applied = results.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === null);
    const replayed = results.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === 'true');
    const inUse = results.filter((r) => r.status === 409);
    expect(applied).toHaveLength(1);
    expect(replayed.length + inUse.length).toBe(19);
    for (const r of inUse) expect(r.body.code).toBe('idempotency_key_in_use');
    for (const r of replayed) expect(r.body).toEqual(applied[0].body);
    expect(await ledgerCount(id)).toBe(1);
    const [c] = await t.sql`select points_balance from customers where id = ${id}`;
    expect(c.points_balance).toBe(7);
  });

  test('reusing a key with a different body is 422 idempotency_key_reused and changes nothing', async () => {
    const id = (await enrol(t.a, '+447306501003')).id;
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 5 }, { 'idempotency-key': 'reuse-1' });
    const other = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 6 }, { 'idempotency-key': 'reuse-1' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    const onOtherRoute = await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 5 }, { 'idempotency-key': 'reuse-1' });
    expect(onOtherRoute.status).toBe(422);
    expect(await ledgerCount(id)).toBe(1);
  });

  test('the same key from another tenant is independent', async () => {
    const idA = (await enrol(t.a, '+447306501004')).id;
    const idB = (await enrol(t.b, '+447306501004')).id;
    const ra = await t.a.post(`/api/v1/customers/${idA}/points/add`, { points: 3 }, { 'idempotency-key': 'shared-key' });
    const rb = await t.b.post(`/api/v1/customers/${idB}/points/add`, { points: 3 }, { 'idempotency-key': 'shared-key' });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    expect(rb.body.customer.id).toBe(idB);
    expect(await ledgerCount(idA)).toBe(1);
    expect(await ledgerCount(idB)).toBe(1);
  });

  test('a refused request is not stored: the same key is judged afresh once the balance allows it', async () => {
    const id = (await enrol(t.a, '+447306501005')).id;
    const refused = await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 10 }, { 'idempotency-key': 'later' });
    expect(refused.status).toBe(409);
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 10 });
    const ok = await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 10 }, { 'idempotency-key': 'later' });
    expect(ok.status).toBe(200);
    expect(ok.body.customer.pointsBalance).toBe(0);
  });

  test('an enrolment replays with 201 and creates one customer', async () => {
    const body = { phone: '+447306501006', name: 'Ada' };
    const r1 = await t.a.post('/api/v1/customers', body, { 'idempotency-key': 'enrol-1' });
    const r2 = await t.a.post('/api/v1/customers', body, { 'idempotency-key': 'enrol-1' });
    expect(r1.status).toBe(201);
    expect(r2.status).toBe(201);
    expect(r2.body.id).toBe(r1.body.id);
    const [{ n }] = await t.sql`select count(*)::int as n from customers where phone = '+447306501006'`;
    expect(n).toBe(1);
  });

  test('a malformed key is a 400', async () => {
    const id = (await enrol(t.a, '+447306501007')).id;
    const r = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 1 }, { 'idempotency-key': 'has space' });
    expect(r.status).toBe(400);
    expect(await ledgerCount(id)).toBe(0);
  });
});
