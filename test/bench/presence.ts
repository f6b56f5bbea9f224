// Presence benchmark: database load of 1,000 connected terminals while idle, with presence writes on
// (PRESENCE_INTERVAL_MS, default 5000) beside the same with them off (an interval no run reaches: the only
// presence work left is the writes when each terminal first connects, before the window opens), in one run.
//   bun run bench:presence                        (embedded Postgres in a temp dir)
//   BENCH_TERMINALS=1000 BENCH_IDLE_MS=30000 bun run bench:presence
// A terminal is an API key with an open event stream: 1,000 keys, one stream each, bound round robin to
// BENCH_LOCATIONS sites (default 10), as a group's tills are. Queries are counted as committed and
// rolled-back transactions of the database (pg_stat_database), as fan-out does. Everything runs on
// 127.0.0.1; every process is bounded by a deadline and killed at the end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { connect } from '../../src/platform/database.ts';
import { lines, xacts } from './processes.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';

const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 1000);
const INTERVAL_MS = Number(process.env.BENCH_PRESENCE_INTERVAL_MS ?? 5000);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 30_000);
// Idle backends report their transaction counts up to 10 s late (PGSTAT_IDLE_INTERVAL): wait that out
// after connecting, so connection setup (an auth query per stream, the connect writes) is not counted.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 11_000);
const OFF_MS = 86_400_000;

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-presence-')), port: 43500 + Math.floor(Math.random() * 1000), persistent: false, durable: false });
const sql = connect(pg.url, 4);
await migrate(sql);
const { tenant } = await createTenant(sql, { slug: `presence-${Date.now().toString(36)}`, name: 'Presence bench' });
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 10);
const sites = LOCATIONS > 0 ? (await sql`insert into locations (tenant_id, name, code, time_zone)
  select ${tenant.id}, 'Site ' || g, 'S' || g, 'Europe/London' from generate_series(1, ${LOCATIONS}) g returning id`).map((r) => r.id as string) : [];
const keys: string[] = [];
for (let i = 0; i < TERMINALS; i++) {
  keys.push((await createApiKey(sql, tenant.id, `Till ${i + 1}`, sites.length ? sites[i % sites.length] : null)).apiKey);
}
const keyFile = join(mkdtempSync(join(tmpdir(), 'bench-presence-keys-')), 'keys.txt');
writeFileSync(keyFile, keys.join('\n'), { mode: 0o600 });
const children = new Set<Subprocess>();



type Row = { mode: string; intervalMs: number; connected: number; streams: number; idleQps: number; presenceWrites: number };

async function run(mode: 'off' | 'on'): Promise<Row> {
  const intervalMs = mode === 'on' ? INTERVAL_MS : OFF_MS;
  const server = Bun.spawn(['bun', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: pg.url, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', DB_POOL_MAX: '10',
      PRESENCE_INTERVAL_MS: String(intervalMs) },
    stdout: 'pipe', stderr: 'inherit',
  });
  children.add(server);
  const nextServer = await lines(server);
  let port = 0;
  while (!port) port = Number((await nextServer()).match(/listening on http:\/\/[^:]+:(\d+)/)?.[1] ?? 0);
  const deadline = 60_000 + TERMINALS * 5 + SETTLE_MS + IDLE_MS;
  const clients = Bun.spawn(['bun', 'test/bench/fanout-clients.ts', 'sse', String(port), String(TERMINALS), `@${keyFile}`, '0', String(deadline)], {
    stdout: 'pipe', stderr: 'inherit',
  });
  children.add(clients);
  const next = await lines(clients);
  const ready = await next();
  if (!ready.startsWith('ready')) throw new Error(`clients: ${ready}`);
  await Bun.sleep(SETTLE_MS);

  const [{ n: w0 }] = await sql`select coalesce(sum(n_tup_upd + n_tup_ins), 0)::int8 as n from pg_stat_user_tables where relname = 'terminal_presence'`;
  const x0 = await xacts(sql);
  const t0 = performance.now();
  await Bun.sleep(IDLE_MS);
  const x1 = await xacts(sql);
  const seconds = (performance.now() - t0) / 1000;
  const [{ n: w1 }] = await sql`select coalesce(sum(n_tup_upd + n_tup_ins), 0)::int8 as n from pg_stat_user_tables where relname = 'terminal_presence'`;
  // What the Terminals list says, over the API (one read, after the window).
  const list = await (await fetch(`http://127.0.0.1:${port}/api/v1/terminals`, { headers: { authorization: `Bearer ${keys[0]}` } })).json() as
    { data: { connected: boolean; streams: number }[] };
  const connected = list.data.filter((t) => t.connected).length;
  const streams = list.data.reduce((s, t) => s + t.streams, 0);

  clients.kill();
  server.kill('SIGTERM');
  children.delete(clients);
  children.delete(server);
  await Promise.all([clients.exited, server.exited]);
  // The one xact of our own second xacts() read is not the server's.
  return { mode, intervalMs, connected, streams, idleQps: Math.max(0, x1 - x0 - 1) / seconds, presenceWrites: Number(w1) - Number(w0) };
}

const rows: Row[] = [];
try {
  for (const mode of ['off', 'on'] as const) {
    const row = await run(mode);
    rows.push(row);
    console.error(`presence ${mode}: ${row.connected}/${TERMINALS} connected, ${row.idleQps.toFixed(2)} q/s idle, ${row.presenceWrites} presence rows written in the window`);
  }
} finally {
  for (const c of children) c.kill();
  await sql.end({ timeout: 1 });
  await pg.stop();
}

console.log(`\nPresence: ${TERMINALS} terminals (one key, one stream each), one tenant, idle ${IDLE_MS / 1000} s after ${SETTLE_MS / 1000} s settling; `
  + `${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GB, Bun ${Bun.version}.\n`);
console.log('| presence writes | PRESENCE_INTERVAL_MS | terminals connected (GET /api/v1/terminals) | streams | DB queries/s while idle | presence rows written per second |');
console.log('|---|---:|---:|---:|---:|---:|');
const window = IDLE_MS / 1000;
for (const r of rows) {
  console.log(`| ${r.mode} | ${r.mode === 'on' ? r.intervalMs : '— (never reached)'} | ${r.connected}/${TERMINALS} | ${r.streams} | ${r.idleQps.toFixed(2)} | ${(r.presenceWrites / window).toFixed(1)} |`);
}
process.exit(0);
