// Fan-out benchmark: commit-to-client latency (p50/p99) and server memory per open stream at 100,
// 1,000 and 10,000 concurrent subscribers on one instance, beside two baselines in the same run:
// the same fan-out served by socket.io on Node, and polling GET /api/v1/events every 5 s.
// Also database queries per second while the subscribers sit idle.
//   bun run bench:fanout                         (embedded Postgres in a temp dir)
//   BENCH_SIZES=100,1000 BENCH_KINDS=sse,socketio BENCH_EVENTS=20 bun run bench:fanout
// Everything runs on 127.0.0.1; every process is bounded by a deadline and killed at the end.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const POLL_SIZES = (process.env.BENCH_POLL_SIZES ?? '100,1000').split(',').map(Number);
// Enough events that the p99 is not one slow event (a GC pause) out of a handful.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 6000);
// Idle backends report their transaction counts up to 10 s late (PGSTAT_IDLE_INTERVAL): wait that out
// after connecting, so connection setup (one auth query per stream) is not counted as idle load.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 11_000);
const KINDS = (process.env.BENCH_KINDS ?? 'sse,socketio,poll').split(',');

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-fanout-')), port: 43500 + Math.floor(Math.random() * 1000), persistent: false, durable: false });
const sql = connect(pg.url, 4);
await migrate(sql);
const slug = `fanout-${Date.now().toString(36)}`;
const { tenant, apiKey } = await createTenant(sql, { slug, name: 'Fan-out bench' });
const children = new Set<Subprocess>();
const now = () => performance.timeOrigin + performance.now();

function rssKB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) : NaN;
}
async function xacts(): Promise<number> {
  const [r] = await sql`select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`;
  return Number(r.n);
}

/** Start a server on a free port (port 0: fixed ports collide with the clients' ephemeral ports). */
async function startServer(kind: string): Promise<{ proc: Subprocess; port: number }> {
  const proc = kind === 'socketio'
    ? Bun.spawn(['node', 'test/bench/fanout-socketio-server.mjs', '0', pg.url, tenant.id, slug], { stdout: 'pipe', stderr: 'inherit' })
    : Bun.spawn(['bun', 'src/main.ts'], {
      env: { ...process.env, DATABASE_URL: pg.url, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', DB_POOL_MAX: '10',
        // One key stands in for thousands of terminals and pages here: lift the per-key stream cap.
        SSE_MAX_STREAMS_PER_KEY: '100000' },
      stdout: 'pipe', stderr: 'inherit',
    });
  children.add(proc);
  const next = await lines(proc as Subprocess<'ignore', 'pipe', 'inherit'>);
  for (;;) {
    const m = (await next()).match(/(?:listening on http:\/\/[^:]+:|^ready )(\d+)/);
    if (m) return { proc, port: Number(m[1]) };
  }
}

async function lines(proc: Subprocess<'ignore', 'pipe', 'inherit'>) {
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let buf = '';
  return async function next(): Promise<string> {
    for (;;) {
      const i = buf.indexOf('\n');
      if (i >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); return line; }
      const { value, done } = await reader.read();
      if (done) throw new Error('client process ended early');
      buf += dec.decode(value, { stream: true });
    }
  };
}

const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;

type Row = { kind: string; n: number; p50: number; p99: number; max: number; delivered: number; expected: number; kbPerConn: number; idleQps: number };

async function run(kind: string, n: number): Promise<Row> {
  const { proc: server, port } = await startServer(kind);
  await Bun.sleep(500);
  const rss0 = rssKB(server.pid);
  const polling = kind === 'poll';
  const spacing = polling ? 300 : Number(process.env.BENCH_SPACING_MS ?? 200);
  // The clients give up at this deadline: connecting, the idle window, the events, and then room for
  // the last event to arrive (a poll interval for the polling clients).
  const deadline = 30_000 + n * 3 + 1500 + SETTLE_MS + IDLE_MS + EVENTS * spacing + (polling ? 10_000 : 0);
  const clients = Bun.spawn(['bun', 'test/bench/fanout-clients.ts', kind === 'poll' ? 'poll' : kind, String(port), String(n), apiKey, String(EVENTS), String(deadline)], {
    stdout: 'pipe', stderr: 'inherit',
  });
  children.add(clients);
  const next = await lines(clients);
  const ready = await next();
  if (!ready.startsWith('ready')) throw new Error(`clients: ${ready}`);
  await Bun.sleep(1500); // let connection setup settle before measuring memory
  const rss1 = rssKB(server.pid);
  await Bun.sleep(SETTLE_MS);
  const x0 = await xacts();
  const t0 = now();
  await Bun.sleep(IDLE_MS);
  const x1 = await xacts();
  const idleQps = Math.max(0, x1 - x0 - 1) / ((now() - t0) / 1000);

  const committed = new Map<string, number>();
  const payload = { customerId: crypto.randomUUID(), customerPhone: '+447306506797', customerName: 'Bench Customer', pointsChange: 10, newBalance: 120, totalPointsEarned: 130, totalPointsRedeemed: 10, transactionType: 'add', reason: 'benchmark', orderId: null, transactionId: crypto.randomUUID() };
  for (let i = 0; i < EVENTS; i++) {
    const [{ id }] = await sql`select emit_event(${tenant.id}, 'bench', ${sql.json(payload)}) as id`;
    committed.set(String(id), now());
    await Bun.sleep(spacing);
  }
  const result = JSON.parse(await next()) as Record<string, number[]>;
  const lat: number[] = [];
  for (const [id, times] of Object.entries(result)) {
    const c = committed.get(id);
    if (c !== undefined) for (const t of times) lat.push(t - c);
  }
  lat.sort((a, b) => a - b);
  clients.kill();
  server.kill();
  children.delete(clients);
  children.delete(server);
  await Promise.all([clients.exited, server.exited]);
  return {
    kind, n, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: lat.at(-1) ?? NaN, delivered: lat.length, expected: n * EVENTS,
    kbPerConn: (rss1 - rss0) / n, idleQps,
  };
}

const rows: Row[] = [];
try {
  for (const kind of KINDS) {
    for (const n of kind === 'poll' ? POLL_SIZES : SIZES) {
      const row = await run(kind, n);
      rows.push(row);
      console.error(`${kind} ${n}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.kbPerConn.toFixed(1)} KB/conn, ${row.idleQps.toFixed(2)} q/s idle, ${row.delivered}/${row.expected} delivered`);
    }
  }
} finally {
  for (const c of children) c.kill();
  await sql.end({ timeout: 1 });
  await pg.stop();
}

const NAMES: Record<string, string> = { sse: 'tillstream SSE (Bun)', socketio: 'socket.io 4 (Node ' + Bun.spawnSync(['node', '--version']).stdout.toString().trim() + ', baseline)', poll: 'polling every 5 s' };
console.log(`\nFan-out: ${EVENTS} events per run, one tenant, light clients on 127.0.0.1; ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GB, Bun ${Bun.version}.\n`);
console.log('| server | subscribers | p50 ms | p99 ms | max ms | delivered | server RSS per connection | DB queries/s while idle (total; per page) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${NAMES[r.kind]} | ${r.n.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.delivered}/${r.expected} | ${r.kbPerConn.toFixed(1)} KB | ${r.idleQps.toFixed(2)}; ${(r.idleQps / r.n).toFixed(4)} |`);
}
process.exit(0);
