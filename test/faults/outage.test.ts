import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { defaultConfig } from '../../src/platform/config.ts';
import { connect } from '../../src/platform/database.ts';
import { startEmbeddedPostgres, type Embedded } from '../../src/platform/embeddedPostgres.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { client, startRealtime } from '../support/app.ts';
import { enrol, expectInvariants } from '../support/fixtures.ts';
import { rawStream, serve, until } from '../support/stream.ts';
import { expectEachOnce, outboxIds, send, settle, unexpected, writes, type Write } from './workload.ts';

// Issue 10, fault 2: Postgres stops under load and comes back, with two app instances serving and
// streams open on both. A cluster of this file's own (never the shared test cluster, which other files
// use meanwhile), durable, in a temp dir, on a port below Linux's ephemeral range.
const dir = mkdtempSync(join(tmpdir(), 'tillstream-outage-'));
const port = 16000 + Math.floor(Math.random() * 4000);
let pg: Embedded = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port, persistent: true, durable: true });
afterAll(async () => {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = defaultConfig({
  DB_CONNECT_TIMEOUT_MS: 1000, DB_STATEMENT_TIMEOUT_MS: 2000, LISTENER_HEARTBEAT_MS: 500, SSE_HEARTBEAT_MS: 500,
});
// The longest any request may take to be answered while Postgres is down: the auth lookup and the work
// may each try twice, each bounded by the connect and statement timeouts (README "Faults"); plus room
// for a busy machine. A request not answered by then is aborted and fails the test.
const BOUND_MS = 2 * (config.DB_CONNECT_TIMEOUT_MS + config.DB_STATEMENT_TIMEOUT_MS) + 4000;

const setup = connect(pg.url, 1);
await migrate(setup);
const { tenant, apiKey } = await createTenant(setup, { slug: 'outage', name: 'Outage Diner' });
await setup.end({ timeout: 1 });

async function instance() {
  const sql = connect(pg.url, 10, { connectMs: config.DB_CONNECT_TIMEOUT_MS, statementMs: config.DB_STATEMENT_TIMEOUT_MS });
  afterAll(() => sql.end({ timeout: 1 }));
  const { hub, listener } = await startRealtime(sql, pg.url, config);
  const app = createApp({ sql, config, hub }, { listener: () => listener.isUp() });
  return { app, base: serve(app) };
}
const one = await instance();
const two = await instance();
const checks = connect(pg.url, 2);
afterAll(() => checks.end({ timeout: 1 }));

const readiness = async (base: string) => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(BOUND_MS) })).status;
const heartbeats = (s: Awaited<ReturnType<typeof rawStream>>) => s.frames.filter((f) => f.comment === 'hb').length;

describe('Postgres stops and restarts under load', () => {
  test('during the outage every request is a bounded 503 with Retry-After and streams stay up; afterwards nothing acknowledged is lost or doubled and every stream delivers every event once', async () => {
    const api = client(one.app, apiKey);
    const customers = await Promise.all([1, 2, 3].map((i) => enrol(api, `+44730656000${i}`, 1000)));
    const [{ seq: start }] = await checks`select event_seq as seq from tenant_counters where tenant_id = ${tenant.id}`;
    const headers = { authorization: `Bearer ${apiKey}`, 'last-event-id': String(start) };
    const streams = await Promise.all([one, one, two, two].map((i) => rawStream(`${i.base}/api/v1/events/stream`, headers)));
    for (const s of streams) expect(s.res.status).toBe(200);

    // Writes through both instances, batch after batch, until told to stop; reads alongside.
    const all: Write[] = [];
    const reads: string[] = [];
    let stop = false;
    let batch = 0;
    const load = (async () => {
      while (!stop) {
        const ws = writes(`outage${batch++}`, 8, customers);
        all.push(...ws);
        await Promise.all([
          ...ws.map((w, i) => send(i % 2 ? two.base : one.base, apiKey, w, BOUND_MS)),
          fetch(`${one.base}/api/v1/customers/${customers[0].id}`, { headers, signal: AbortSignal.timeout(BOUND_MS) })
            .then((r) => { reads.push(r.status === 503 && !r.headers.get('retry-after') ? '503 without Retry-After' : String(r.status)); }),
        ]);
        await Bun.sleep(20);
      }
    })();

    await until(() => all.filter((w) => w.acked).length >= 16, 'some writes acknowledged before the outage');
    await pg.stop();
    const beatsAtStop = streams.map(heartbeats);
    const batchAtStop = batch;
    await until(() => batch >= batchAtStop + 3, 'three batches answered during the outage', BOUND_MS * 4);
    expect(await readiness(one.base)).toBe(503);
    expect(await readiness(two.base)).toBe(503);
    // Heartbeats need no database: every stream is still open and still beating.
    await until(() => streams.every((s, i) => heartbeats(s) >= beatsAtStop[i] + 2), 'heartbeats during the outage');
    expect(streams.map((s) => s.ended)).toEqual([false, false, false, false]);
    const during = all.slice(batchAtStop * 8 + 8).flatMap((w) => w.statuses);
    expect(during.filter((s) => s === '503 database_unavailable').length).toBeGreaterThan(0);

    pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port, persistent: true, durable: true });
    await until(() => all.slice(-8).some((w) => w.acked), 'writes acknowledged again after the restart', 20_000);
    stop = true;
    await load;

    expect(unexpected(all)).toEqual([]);
    expect(reads.filter((s) => s !== '200' && s !== '503')).toEqual([]);
    await settle(one.base, apiKey, all, BOUND_MS);
    await expectEachOnce(checks, all);

    const ids = await outboxIds(checks, tenant.id, start);
    expect(ids.length).toBeGreaterThanOrEqual(all.length);
    for (const s of streams) {
      await until(() => s.events().length >= ids.length, `all ${ids.length} events on every stream`, 20_000);
    }
    await Bun.sleep(200); // nothing more (no duplicates) arrives after them
    for (const s of streams) {
      expect(s.ended).toBe(false);
      expect(s.events().map((f) => Number(f.id))).toEqual(ids);
      s.abort();
    }
    // Ready again once each instance's pool and listener are back (the listener retries every second).
    let ready: number[] = [];
    for (let i = 0; i < 100; i++) {
      ready = [await readiness(one.base), await readiness(two.base)];
      if (ready.every((r) => r === 200)) break;
      await Bun.sleep(100);
    }
    expect(ready).toEqual([200, 200]);
    await expectInvariants(checks);
  }, 90_000);
});
