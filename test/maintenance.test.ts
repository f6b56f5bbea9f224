import { describe, expect, test } from 'bun:test';
import { pruneIdempotencyKeys, pruneThrottles } from '../src/platform/maintenance.ts';
import { testApp } from './support/app.ts';

const t = await testApp();

describe('maintenance', () => {
  test('idempotency keys older than the retention are deleted, younger ones replay', async () => {
    const c = (await t.a.post('/api/v1/customers', { phone: '+447306507100' })).body;
    await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 1 }, { 'idempotency-key': 'old' });
    await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 1 }, { 'idempotency-key': 'young' });
    await t.sql`update idempotency_keys set created_at = now() - interval '49 hours' where key = 'old'`;
    expect(await pruneIdempotencyKeys(t.sql, 48)).toBe(1);
    const young = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 1 }, { 'idempotency-key': 'young' });
    expect(young.headers.get('idempotent-replayed')).toBe('true');
  });

  test('gift card misses and failed sign-ins older than an hour are deleted, recent ones still count', async () => {
    await t.sql`insert into gift_card_misses (actor, at) values ('key:old', now() - interval '2 hours'), ('key:new', now())`;
    await t.sql`insert into admin_sign_in_failures (tenant_id, email, at)
      values (${t.tenantA.id}, 'old@alpha.test', now() - interval '2 hours'), (${t.tenantA.id}, 'new@alpha.test', now())`;
    expect(await pruneThrottles(t.sql)).toBe(2);
    expect((await t.sql`select actor from gift_card_misses`).map((r) => r.actor)).toEqual(['key:new']);
    expect((await t.sql`select email from admin_sign_in_failures`).map((r) => r.email)).toEqual(['new@alpha.test']);
  });
});
