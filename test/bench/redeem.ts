// Redemptions per second over HTTP (a separate `bun src/main.ts` process) with 1, 8 and 64 concurrent
// clients, on distinct customers and on one hot customer, beside points_redeem() called directly
// over a pool of the same size, in the same run against the same database.
//   bun run bench:redeem            (embedded durable Postgres in a temp dir)
//   BENCH_SECONDS=5 DATABASE_URL=postgres://… bun run bench:redeem
//   BENCH_CLIENTS=1,8 BENCH_WARM_MS=3000 bun run bench:redeem   (which concurrencies; untimed warm-up first)
import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONCURRENCY = (process.env.BENCH_CLIENTS ?? '1,8,64').split(',').map(Number);
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 3000);
const HTTP_PORT = 30000 + Math.floor(Math.random() * 1000);

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-')), port: 31000 + Math.floor(Math.random() * 1000), persistent: false, durable: true });
const sql = connect(pg.url, 70);
await migrate(sql);
const slug = `bench-${Date.now().toString(36)}`;
const { tenant, apiKey } = await createTenant(sql, { slug, name: 'Bench' });
const customers: string[] = (await sql`
  insert into customers (tenant_id, phone, points_balance, total_points_earned)
  select ${tenant.id}, '+4473065' || lpad(g::text, 5, '0'), 0, 0 from generate_series(1, 64) g returning id`).map((r) => r.id);
// Seed balances through the ledger so the invariants hold for the whole run.
for (const id of customers) await sql`select points_add(${tenant.id}, ${id}, 1000000, 'bench seed', null, 'bench')`;

const server = Bun.spawn(['bun', 'src/main.ts'], {
  env: { ...process.env, DATABASE_URL: pg.url, PORT: String(HTTP_PORT), SEED_DEMO: 'false', DB_POOL_MAX: '20' },
  stdout: 'ignore', stderr: 'inherit',
});
for (let i = 0; ; i++) {
  try { if ((await fetch(`http://127.0.0.1:${HTTP_PORT}/healthz`)).ok) break; } catch {}
  if (i > 100) throw new Error('server did not start');
  await Bun.sleep(100);
}

type Result = { ops: number; perSec: number; p50: number; p99: number };

/** Latencies of `one` run by `concurrency` workers for `ms`. */
async function slice(concurrency: number, one: (worker: number) => Promise<void>, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await one(w);
      latencies.push(performance.now() - t0);
    }
  }));
  return latencies;
}

const summary = (latencies: number[], seconds: number): Result => {
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { ops: latencies.length, perSec: latencies.length / seconds, p50: q(0.5), p99: q(0.99) };
};

/**
 * Both sides of one cell, interleaved in 1 s slices (HTTP, direct, HTTP, …), SECONDS each: a machine
 * that slows down for a few seconds (another process, the disk flushing) slows both sides alike, where
 * a block of HTTP then a block of direct put the whole swing into their ratio.
 */
async function cell(concurrency: number, httpOne: (w: number) => Promise<void>, directOne: (w: number) => Promise<void>) {
  const h: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < SECONDS; i++) {
    h.push(...await slice(concurrency, httpOne, 1000));
    d.push(...await slice(concurrency, directOne, 1000));
  }
  return { h: summary(h, SECONDS), d: summary(d, SECONDS) };
}

const http = (customer: (w: number) => string) => async (w: number) => {
  const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/customers/${customer(w)}/points/redeem`, {
    method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: '{"points":1}',
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};
const direct = (customer: (w: number) => string) => async (w: number) => {
  await sql`select points_redeem(${tenant.id}, ${customer(w)}, 1, null, null, 'bench')`;
};

// Untimed warm-up of both sides (the server's JIT, its pool's connections and prepared statements; the
// direct pool's too): otherwise the first cell, HTTP at one client, measures a cold process. 1 s was
// not enough: the first cell still ran 15-20% below the second, which measures the same thing at one
// client (worker 0's "distinct" customer is the hot one).
const warmUntil = performance.now() + WARM_MS;
await Promise.all(Array.from({ length: 8 }, async (_, w) => {
  while (performance.now() < warmUntil) {
    await http((x) => customers[x % customers.length])(w);
    await direct((x) => customers[x % customers.length])(w);
  }
}));

const rows: string[] = [];
for (const c of CONCURRENCY) {
  for (const [label, pick] of [['distinct customers', (w: number) => customers[w % customers.length]], ['one hot customer', () => customers[0]]] as const) {
    const { h, d } = await cell(c, http(pick), direct(pick));
    rows.push(`| ${c} | ${label} | ${h.perSec.toFixed(0)} | ${h.p50.toFixed(1)} / ${h.p99.toFixed(1)} | ${d.perSec.toFixed(0)} | ${d.p50.toFixed(1)} / ${d.p99.toFixed(1)} | ${(h.perSec / d.perSec).toFixed(2)} |`);
    console.error(rows.at(-1));
  }
}

const [{ bad }] = await sql`select count(*)::int as bad from points_discrepancies`;
console.log(`\nMachine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Bun ${Bun.version}; ${SECONDS}s per cell; Postgres fsync on\n`);
console.log('| clients | target | HTTP redeems/s | HTTP p50 / p99 ms | direct SQL redeems/s | direct p50 / p99 ms | HTTP/direct |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\nLedger discrepancies after the run: ${bad}`);

server.kill();
await server.exited;
await sql.end();
await pg.stop();
