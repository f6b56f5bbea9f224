import { describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import { testApp } from '../support/app.ts';
import { connect } from '../../src/platform/database.ts';
import { enrol, expectInvariants, lastEventId } from '../support/fixtures.ts';
import { listen, serve, until } from '../support/stream.ts';
import { ALL_TYPES, expectEachOnce, outboxIds, send, settle, unexpected, writes, type Write } from './workload.ts';

// Issue 10, fault 1: the server kills the app's connections (a failover, a PgBouncer restart, an idle
// reaper) while bursts of writes are in flight, through the real HTTP server.
const t = await testApp({ LISTENER_HEARTBEAT_MS: 500 });
const base = serve(t.app);
// The killer and the checks use connections of their own, outside the app's pool.
const killer = postgres(t.url, { max: 1, onnotice: () => {} });
const checks = connect(t.url, 2);
const BOUND_MS = 10_000;

describe('connections dropped by the server during writes', () => {
  test('bursts of concurrent writes while every app connection is terminated: no 500, each acknowledged write once, each event streamed once, invariants clean', async () => {
    const customers = await Promise.all([1, 2, 3, 4].map((i) => enrol(t.a, `+44730655000${i}`, 1000)));
    const start = await lastEventId(t.sql, t.tenantA.id);
    const stream = listen(`${base}/api/v1/events/stream`, t.keyA, { lastEventId: String(start), types: ALL_TYPES });
    await stream.opened;

    const all: Write[] = [];
    let killed = 0;
    for (let round = 0; round < 6; round++) {
      const burst = writes(`drop${round}`, 24, customers);
      all.push(...burst);
      const inFlight = burst.map((w) => send(base, t.keyA, w, BOUND_MS));
      // Strike at a different moment of each burst: before, during and after the transactions open.
      await Bun.sleep(round * 4);
      const [row] = await killer`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`;
      killed += row.n;
      await Promise.all(inFlight);
    }
    expect(killed).toBeGreaterThan(6); // the listener and pooled connections, every round

    expect(unexpected(all)).toEqual([]);
    await settle(base, t.keyA, all, BOUND_MS);
    await expectEachOnce(checks, all);

    const ids = await outboxIds(checks, t.tenantA.id, start);
    // 4 × 24 writes, each one event at least (a checkout that earns points emits two).
    expect(ids.length).toBeGreaterThanOrEqual(all.length);
    await until(() => stream.events.length >= ids.length, `all ${ids.length} events on the stream`, 20_000);
    await Bun.sleep(200); // nothing more (no duplicates) arrives after them
    expect(stream.events.map((e) => Number(e.id))).toEqual(ids);
    stream.close();

    await expectInvariants(checks);
    await killer.end({ timeout: 1 });
    await checks.end({ timeout: 1 });
  }, 60_000);
});
