import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { pruneEvents } from '../../src/realtime/retention.ts';
import { startMaintenance } from '../../src/maintenance.ts';
import { rawStream, serve, until } from './support.ts';

const t = await testApp();
const STREAM = `${serve(t.app)}/api/v1/events/stream`;
const auth = { authorization: `Bearer ${t.keyA}` };

describe('retention', () => {
  test('events older than the retention are pruned with events_pruned_through in the same transaction; resuming before it gets reset', async () => {
    for (let i = 1; i <= 10; i++) await t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({ i })})`;
    await t.sql`select emit_event(${t.tenantB.id}, 'test_event', '{}'::jsonb)`;
    // Events 1-6 of A are old; created_at is not in id order (a transaction's start), so 4 is "newer".
    await t.sql`update events set created_at = now() - interval '200 hours' where tenant_id = ${t.tenantA.id} and id <= 6 and id <> 4`;
    expect(await pruneEvents(t.sql, 168)).toBe(6); // the prefix 1..6, keeping what remains contiguous
    const rows = await t.sql`select id from events where tenant_id = ${t.tenantA.id} order by id`;
    expect(rows.map((r) => r.id)).toEqual([7, 8, 9, 10]);
    const [counters] = await t.sql`select events_pruned_through from tenant_counters where tenant_id = ${t.tenantA.id}`;
    expect(counters.events_pruned_through).toBe(6);
    const [b] = await t.sql`select count(*)::int as n from events where tenant_id = ${t.tenantB.id}`;
    expect(b.n).toBe(1);
    expect(await pruneEvents(t.sql, 168)).toBe(0);

    const old = await rawStream(`${STREAM}?lastEventId=5`, auth);
    await until(() => old.events().length === 1, 'reset');
    expect(old.events()[0]).toMatchObject({ id: '10', event: 'reset' });
    expect(JSON.parse(old.events()[0].data!)).toEqual({ reason: 'pruned', lastEventId: '10' });
    old.abort();
    const edge = await rawStream(`${STREAM}?lastEventId=6`, auth);
    await until(() => edge.events().length === 4, 'replay from the boundary');
    expect(edge.events().map((f) => f.id)).toEqual(['7', '8', '9', '10']);
    edge.abort();
    const json = await t.a.get('/api/v1/events?after=5');
    expect(json.body).toEqual({ data: [], nextAfter: '10', hasMore: false, reset: true });
    expect((await t.a.get('/api/v1/events?after=6')).body.data.length).toBe(4);
  });

  test('the maintenance loop prunes on start and on every interval', async () => {
    await t.sql`update events set created_at = now() - interval '200 hours' where tenant_id = ${t.tenantA.id} and id <= 8`;
    const stop = startMaintenance(t.sql, { EVENT_RETENTION_HOURS: 168, IDEMPOTENCY_RETENTION_HOURS: 48, MAINTENANCE_INTERVAL_MS: 50 });
    try {
      const prunedThrough = async () =>
        (await t.sql`select events_pruned_through as p from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].p as number;
      for (let i = 0; i < 500 && (await prunedThrough()) !== 8; i++) await Bun.sleep(10);
      expect(await prunedThrough()).toBe(8);
      // and on later intervals too
      await t.sql`update events set created_at = now() - interval '200 hours' where tenant_id = ${t.tenantA.id} and id <= 9`;
      for (let i = 0; i < 500 && (await prunedThrough()) !== 9; i++) await Bun.sleep(10);
      expect(await prunedThrough()).toBe(9);
    } finally {
      stop();
    }
  });
});
