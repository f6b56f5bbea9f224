import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createApp } from '../../src/app.ts';
import { Hub } from '../../src/realtime/hub.ts';
import { Listener } from '../../src/realtime/listener.ts';
import { listen, serve, until } from '../support/stream.ts';
import { blackholeProxy } from '../support/blackholeProxy.ts';

// Heartbeat every 200 ms so a dead listener is noticed in about half a second.
const t = await testApp({ LISTENER_HEARTBEAT_MS: 200, SSE_HEARTBEAT_MS: 1000 });
const base = serve(t.app);
const STREAM = `${base}/api/v1/events/stream`;

const seqOf = async () =>
  (await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq as number;

// Phones from a counter, not random: two random picks may collide and fail as customer_exists.
let nextPhone = 1000;
async function customers(n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const [{ c }] = await t.sql`select customer_enrol(${t.tenantA.id}, ${'+44730650' + String(nextPhone++)}, 'W', null, 'test') as c`;
    ids.push(c.id);
  }
  return ids;
}

/** `writers` concurrent loops of `each` points_add calls, each its own transaction. */
async function write(ids: string[], each: number, during?: (i: number) => Promise<void>) {
  await Promise.all(ids.map(async (id, w) => {
    for (let i = 0; i < each; i++) {
      await t.sql`select points_add(${t.tenantA.id}, ${id}, 1, null, null, 'test')`;
      if (w === 0 && during) await during(i);
    }
  }));
}

function expectExactlyOnce(ids: number[], from: number, to: number) {
  // Strictly increasing and contiguous: every event exactly once, in commit order.
  expect(ids.length).toBe(to - from);
  for (let i = 0; i < ids.length; i++) if (ids[i] !== from + 1 + i) expect(`position ${i}: ${ids[i]}`).toBe(`position ${i}: ${from + 1 + i}`);
}

describe('delivery under load', () => {
  test('16 concurrent writers × 200 changes: every client gets every event exactly once, ids strictly increasing', async () => {
    const ids = await customers(16);
    const before = await seqOf();
    const live = listen(STREAM, t.keyA, { lastEventId: String(before) });
    const filtered = listen(`${STREAM}?types=loyalty_updated`, t.keyA, { lastEventId: String(before) });
    await Promise.all([live.opened, filtered.opened]);
    let resumer: ReturnType<typeof listen> | null = null;
    let resumeFrom = 0;
    await write(ids, 200, async (i) => {
      if (i === 60) {
        // A client that joins mid-stream, resuming from an id the live client saw a moment ago.
        resumeFrom = Number(live.events.at(-1)?.id ?? before);
        resumer = listen(STREAM, t.keyA, { lastEventId: String(resumeFrom) });
      }
    });
    const after = await seqOf();
    expect(after - before).toBe(16 * 200);
    await until(() => live.events.length >= after - before, 'the live client to get every event', 30_000);
    await until(() => filtered.events.length >= after - before, 'the filtered client', 30_000);
    await until(() => resumer!.events.length >= after - resumeFrom, 'the resuming client', 30_000);
    await Bun.sleep(100); // nothing more (no duplicates) arrives
    expectExactlyOnce(live.events.map((e) => Number(e.id)), before, after);
    expectExactlyOnce(filtered.events.map((e) => Number(e.id)), before, after);
    expectExactlyOnce(resumer!.events.map((e) => Number(e.id)), resumeFrom, after);
    // Per customer, balances arrive in order 1..200.
    const balances = new Map<string, number[]>();
    for (const e of live.events) balances.set(e.data.data.customerId, [...(balances.get(e.data.data.customerId) ?? []), e.data.data.newBalance]);
    for (const id of ids) expect(balances.get(id)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const c of [live, filtered, resumer!]) c.close();
  }, 60_000);

  test('pg_terminate_backend on the listener, several times while writing, loses nothing', async () => {
    const ids = await customers(4);
    const before = await seqOf();
    const c = listen(STREAM, t.keyA, { lastEventId: String(before) });
    await c.opened;
    const reconnectsBefore = t.hub.metrics.listenerReconnects;
    let kills = 0;
    await write(ids, 150, async (i) => {
      if (i % 30 === 15) {
        const killed = await t.sql`select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = current_database() and application_name = 'tillstream-listener'`;
        kills += killed.filter((r) => r.ok).length;
      }
    });
    const after = await seqOf();
    await until(() => c.events.length >= after - before, 'every event despite the kills', 30_000);
    await Bun.sleep(100);
    expectExactlyOnce(c.events.map((e) => Number(e.id)), before, after);
    expect(kills).toBeGreaterThanOrEqual(4);
    await until(() => t.hub.metrics.listenerReconnects - reconnectsBefore >= 4, 'reconnects to be counted');
    await until(() => t.listener.isUp(), 'the listener to be up again');
    c.close();
  }, 60_000);

  test('a silently dropped listen connection is detected by the heartbeat and replaced, and nothing is lost', async () => {
    const proxy = blackholeProxy(new URL(t.url));
    const hub = new Hub({ sql: t.sql, config: t.config });
    const listener = new Listener({ url: proxy.url(t.url), sql: t.sql, hub, config: t.config });
    await listener.start();
    hub.start();
    const app = createApp({ sql: t.sql, config: t.config, hub }, { listener: () => listener.isUp() });
    const url = `${serve(app)}/api/v1/events/stream`;
    try {
      const before = await seqOf();
      const c = listen(url, t.keyA, { lastEventId: String(before) });
      await c.opened;
      await t.sql`select emit_event(${t.tenantA.id}, 'test_event', '{"n":1}'::jsonb)`;
      await until(() => c.events.length === 1, 'the first event');
      // The connection stays open but nothing crosses it any more (no FIN, no RST).
      proxy.blackhole();
      const started = Date.now();
      await t.sql`select emit_event(${t.tenantA.id}, 'test_event', '{"n":2}'::jsonb)`;
      await t.sql`select emit_event(${t.tenantA.id}, 'test_event', '{"n":3}'::jsonb)`;
      await until(() => c.events.length === 3, 'events written while the connection was black-holed', 30_000);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(hub.metrics.listenerReconnects).toBeGreaterThanOrEqual(1);
      expect(c.events.map((e) => e.data.data.n)).toEqual([1, 2, 3]);
      await until(() => listener.isUp(), 'the listener to report up');
      c.close();
    } finally {
      hub.stop();
      await listener.stop();
      proxy.stop();
    }
  }, 40_000);
});
