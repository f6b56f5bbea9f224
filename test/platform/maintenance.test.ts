import { describe, expect, spyOn, test } from 'bun:test';
import { pruneGiftCardMisses } from '../../src/giftCards/throttle.ts';
import { pruneSignInFailures } from '../../src/identity/signInThrottle.ts';
import { pruneIdempotencyKeys } from '../../src/platform/idempotency.ts';
import { startMaintenance } from '../../src/platform/maintenance.ts';
import { testApp } from '../support/app.ts';
import { until } from '../support/stream.ts';

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
    expect(await pruneGiftCardMisses(t.sql)).toBe(1);
    expect(await pruneSignInFailures(t.sql)).toBe(1);
    expect((await t.sql`select actor from gift_card_misses`).map((r) => r.actor)).toEqual(['key:new']);
    expect((await t.sql`select email from admin_sign_in_failures`).map((r) => r.email)).toEqual(['new@alpha.test']);
  });

  test('the loop runs every job at once and on every interval; a failing job does not stop the others', async () => {
    const runs = { good: 0, bad: 0 };
    const logged = spyOn(console, 'error').mockImplementation(() => {});
    const stop = startMaintenance([
      { name: 'bad', run: async () => { runs.bad++; throw new Error('database unavailable'); } },
      { name: 'good', run: async () => { runs.good++; return 0; } },
    ], 20);
    try {
      await until(() => runs.good >= 3, 'three rounds of the good job');
      expect(runs.bad).toBeGreaterThanOrEqual(runs.good - 1);
      expect(logged.mock.calls[0][0]).toBe('[tillstream] error: maintenance: bad failed (will retry): Error: database unavailable');
    } finally {
      stop();
      logged.mockRestore();
    }
  });
});
