import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { pruneEvents } from '../../src/events/retention.ts';
import { startMaintenance } from '../../src/platform/maintenance.ts';
import { rawStream, serve, until } from '../support/stream.ts';

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

  test('pruning in the middle of a slow replay gets reset, never a silent gap', async () => {
    // 600 events of ~4 KB for B: more than one replay page (500), and far more than the 1 MB per-client
    // queue, so a reader that stops reading holds the replay inside the first page.
    const [{ base }] = await t.sql`select event_seq as base from tenant_counters where tenant_id = ${t.tenantB.id}`;
    await t.sql`select emit_event(${t.tenantB.id}, 'blob', jsonb_build_object('i', g, 'blob', repeat('x', 4000)))
      from generate_series(1, 600) g`;
    // In process, so the response body is the hub's queue itself: not reading it is backpressure.
    const ctrl = new AbortController();
    const res = await t.app.fetch(new Request(`http://local/api/v1/events/stream?lastEventId=${base}`,
      { headers: { authorization: `Bearer ${t.keyB}` }, signal: ctrl.signal }));
    expect(res.status).toBe(200);
    const before = t.hub.metrics.eventsReplayed;
    await until(() => t.hub.metrics.eventsReplayed > before, 'the replay to start');
    let seen = -1;
    while (seen !== t.hub.metrics.eventsReplayed) { seen = t.hub.metrics.eventsReplayed; await Bun.sleep(200); }
    const replayed = seen - before;
    expect(replayed).toBeGreaterThan(0);
    expect(replayed).toBeLessThan(500); // stalled inside the first page

    // Retention prunes past the end of that page while the client is not reading.
    await t.sql`update events set created_at = now() - interval '200 hours' where tenant_id = ${t.tenantB.id} and id <= ${base + 550}`;
    expect(await pruneEvents(t.sql, 168)).toBeGreaterThanOrEqual(550);
    await t.sql`select emit_event(${t.tenantB.id}, 'blob', '{"i": 601}'::jsonb)`;

    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    while (!text.includes(`id: ${base + 601}\n`)) text += dec.decode((await reader.read()).value, { stream: true });
    ctrl.abort();
    await reader.cancel();
    const frames = text.split('\n\n').filter((f) => f.startsWith('id: ')).map((f) => ({
      id: Number(f.match(/^id: (\d+)/)![1]), event: f.match(/\nevent: (\w+)/)![1], data: f.match(/\ndata: (.*)/)![1],
    }));
    // The first page (fetched before the prune) arrives whole, then reset instead of jumping 501 → 551.
    expect(frames.slice(0, 500).map((f) => f.id)).toEqual(Array.from({ length: 500 }, (_, i) => base + 1 + i));
    expect(frames[500]).toMatchObject({ id: base + 600, event: 'reset' });
    expect(JSON.parse(frames[500].data)).toEqual({ reason: 'pruned', lastEventId: String(base + 600) });
    expect(frames.slice(501).map((f) => f.id)).toEqual([base + 601]);
  }, 30_000);

  test('the maintenance loop prunes on start and on every interval', async () => {
    await t.sql`update events set created_at = now() - interval '200 hours' where tenant_id = ${t.tenantA.id} and id <= 8`;
    const stop = startMaintenance([{ name: 'events', run: () => pruneEvents(t.sql, 168) }], 50);
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
