import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { revokeApiKey } from '../../src/identity/apiKeys.ts';
import { until } from '../support/stream.ts';

const t = await testApp();

// A customer of tenant A with history; tenant B tries every route on it.
const victim = (await t.a.post('/api/v1/customers', { phone: '+447306502001', name: 'Victim' })).body;
await t.a.post(`/api/v1/customers/${victim.id}/points/add`, { points: 100 });

async function snapshot() {
  const [c] = await t.sql`select points_balance, name, updated_at from customers where id = ${victim.id}`;
  const [{ n }] = await t.sql`select count(*)::int as n from ledger where customer_id = ${victim.id}`;
  const [{ e }] = await t.sql`select count(*)::int as e from events where tenant_id = ${t.tenantA.id}`;
  return { ...c, ledgerRows: n, eventsA: e };
}

const MATRIX: Array<[string, string, unknown?]> = [
  ['GET', `/api/v1/customers/${victim.id}`],
  ['GET', `/api/v1/customers/${victim.id}/transactions`],
  ['POST', `/api/v1/customers/${victim.id}/points/add`, { points: 5 }],
  ['POST', `/api/v1/customers/${victim.id}/points/redeem`, { points: 5 }],
  ['POST', `/api/v1/customers/${victim.id}/points/adjust`, { points: -5, reason: 'x' }],
];

describe('tenant isolation (I7)', () => {
  for (const [method, path, body] of MATRIX) {
    test(`tenant B gets 404 not_found for ${method} ${path.replace(victim.id, '{id}')} and nothing changes`, async () => {
      const before = await snapshot();
      const r = await t.b.call(method, path, body);
      const missing = await t.b.call(method, path.replace(victim.id, crypto.randomUUID()), body);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('not_found');
      // Indistinguishable from an id that does not exist at all.
      expect({ status: missing.status, body: missing.body }).toEqual({ status: r.status, body: r.body });
      expect(await snapshot()).toEqual(before);
    });
  }

  test("tenant B's phone lookup, list and search never reveal tenant A's customer", async () => {
    expect((await t.b.get('/api/v1/customers/lookup?phone=%2B447306502001')).status).toBe(404);
    const list = await t.b.get('/api/v1/customers?q=victim');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
  });

  test("tenant B enrolling the same phone creates B's own customer and leaves A's untouched", async () => {
    const before = await snapshot();
    const r = await t.b.post('/api/v1/customers', { phone: '+447306502001' });
    expect(r.status).toBe(201);
    expect(r.body.id).not.toBe(victim.id);
    expect(r.body.pointsBalance).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  test("tenant B's earn on A's customer's phone touches only B's books", async () => {
    const before = await snapshot();
    const r = await t.b.post('/api/v1/loyalty/earn', { phone: '+447306502001', orderTotalCents: 5000 });
    expect(r.status).toBe(200);
    expect(r.body.customer.id).not.toBe(victim.id);
    expect(await snapshot()).toEqual(before);
  });

  test('settings are per tenant: B changing its earn rule does not change A', async () => {
    const r = await t.b.patch('/api/v1/settings', { earnPointsPerUnit: 3 });
    expect(r.status).toBe(200);
    expect((await t.a.get('/api/v1/settings')).body.earnPointsPerUnit).toBe(1);
    expect((await t.b.get('/api/v1/settings')).body.slug).toBe('bravo');
  });

  test('no key, a wrong key or a revoked key is 401 with a problem body', async () => {
    for (const headers of [{}, { authorization: 'Bearer tsk_nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const r = await t.anon.get(`/api/v1/customers/${victim.id}`, headers);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unauthorized');
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const keys = await t.sql`select id from api_keys where tenant_id = ${t.tenantB.id} and revoked_at is null`;
    for (const { id } of keys) await revokeApiKey(t.sql, t.tenantB.id, id);
    // Another instance's revocation reaches this one's key cache by NOTIFY (identity/authCache.ts).
    await until(async () => (await t.b.get('/api/v1/customers')).status === 401, 'the revoked key to be refused', 5000);
    const [{ live }] = await t.sql`select count(*)::int as live from api_keys where tenant_id = ${t.tenantB.id} and revoked_at is null`;
    expect(live).toBe(0);
  });
});
