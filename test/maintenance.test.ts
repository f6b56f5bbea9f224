import { describe, expect, test } from 'bun:test';
import { pruneEvents, pruneIdempotencyKeys } from '../src/maintenance.ts';
import { testApp } from './support/app.ts';

const t = await testApp();

describe('maintenance', () => {
  test('pruning old events records the highest pruned id per tenant and keeps newer events', async () => {
    for (let i = 0; i < 3; i++) await t.a.post('/api/v1/customers', { phone: `+44730650700${i}` });
    await t.b.post('/api/v1/customers', { phone: '+447306507009' });
    await t.sql`update events set created_at = now() - interval '10 days' where tenant_id = ${t.tenantA.id} and id <= 2`;
    expect(await pruneEvents(t.sql, 24)).toBe(2);
    const ids = (await t.sql`select id from events where tenant_id = ${t.tenantA.id} order by id`).map((r) => r.id);
    expect(ids).toEqual([3]);
    const [a] = await t.sql`select events_pruned_through from tenant_counters where tenant_id = ${t.tenantA.id}`;
    const [b] = await t.sql`select events_pruned_through from tenant_counters where tenant_id = ${t.tenantB.id}`;
    expect(a.events_pruned_through).toBe(2);
    expect(b.events_pruned_through).toBe(0);
  });

  test('idempotency keys older than the retention are deleted, younger ones replay', async () => {
    const c = (await t.a.post('/api/v1/customers', { phone: '+447306507100' })).body;
    await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 1 }, { 'idempotency-key': 'old' });
    await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 1 }, { 'idempotency-key': 'young' });
    await t.sql`update idempotency_keys set created_at = now() - interval '49 hours' where key = 'old'`;
    expect(await pruneIdempotencyKeys(t.sql, 48)).toBe(1);
    const young = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 1 }, { 'idempotency-key': 'young' });
    expect(young.headers.get('idempotent-replayed')).toBe('true');
  });
});
