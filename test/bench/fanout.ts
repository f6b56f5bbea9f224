// Fan-out benchmark: commit-to-client latency (p50/p99) and server memory per open stream at 100,
// 1,000 and 10,000 concurrent subscribers on one instance, beside two baselines in the same run:
// the same fan-out served by socket.io on Node, and polling GET /api/v1/events every 5 s.
// Also the database load while the subscribers sit idle, counted two ways: the database's transactions
// (every backend's: autovacuum's too) and the statements the instance itself sent (its /metrics).
//   bun run bench:fanout                         (embedded Postgres in a temp dir)
//   BENCH_SIZES=100,1000 BENCH_KINDS=sse,socketio BENCH_EVENTS=20 bun run bench:fanout
//   BENCH_LOCATIONS=10 BENCH_SIZES=1000 BENCH_KINDS=sse bun run bench:fanout
// BENCH_LOCATIONS=L: the tenant gets L locations and the SSE events are per-site (`new_order`, spread
// round robin over the sites); half the subscribers follow one site (`?locations=<site 1>`, so they
// receive 1/L of the events) and half follow every site, and both p99s are reported from the same run.
// Everything runs on 127.0.0.1; every process is bounded by a deadline and killed at the end.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { connect } from '../../src/platform/database.ts';
import { instanceStatements, lines, statementsDuring, vacuumRuns, xacts } from './processes.ts';
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
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 0);
const KINDS = (process.env.BENCH_KINDS ?? 'sse,socketio,poll').split(',');
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 0);

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-fanout-')), port: 43500 + Math.floor(Math.random() * 1000), persistent: false, durable: false });
const sql = connect(pg.url, 4);
await migrate(sql);
const slug = `fanout-${Date.now().toString(36)}`;
const { tenant, apiKey } = await createTenant(sql, { slug, name: 'Fan-out bench' });
const sites: string[] = [];
for (let i = 0; i < LOCATIONS; i++) {
  const [row] = await sql`insert into locations (tenant_id, name, code, time_zone)
    values (${tenant.id}, ${`Site ${i + 1}`}, ${`SITE${i + 1}`}, 'Europe/London') returning id`;
  sites.push(row.id);
}
const children = new Set<Subprocess>();
const now = () => performance.timeOrigin + performance.now();

function rssKB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) : NaN;
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


const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;

type Row = { kind: string; label?: string; n: number; /** Streams open in the run (both halves in location mode). */ total: number; p50: number; p99: number; max: number; delivered: number; expected: number; kbPerConn: number; idleQps: number; /** Statements/s the instance itself sent while idle (its /metrics). */ idleStatements: number; /** Vacuum/analyze runs (autovacuum's transactions count as idle load) in the idle window. */ vacuums: number };

/** Commit one event; in location mode (SSE) a per-site one at site i mod L, recorded there by the transaction setting. */
async function emit(kind: string, i: number, payload: unknown): Promise<number> {
  if (!sites.length || kind !== 'sse') {
    const [{ id }] = await sql`select emit_event(${tenant.id}, 'bench', ${sql.json(payload as never)}) as id`;
    return id;
  }
  return sql.begin(async (tx) => {
    await tx`select set_config('tillstream.location', ${sites[i % sites.length]}, true)`;
    const [{ id }] = await tx`select emit_event(${tenant.id}, 'new_order', ${tx.json(payload as never)}) as id`;
    return id as number;
  }) as Promise<number>;
}

function latencies(result: Record<string, number[]>, committed: Map<string, number>) {
  const lat: number[] = [];
  for (const [id, times] of Object.entries(result)) {
    const c = committed.get(id);
    if (c !== undefined) for (const t of times) lat.push(t - c);
  }
  return lat.sort((a, b) => a - b);
}

async function run(kind: string, n: number): Promise<Row[]> {
  const { proc: server, port } = await startServer(kind);
  await Bun.sleep(500);
  const rss0 = rssKB(server.pid);
  const polling = kind === 'poll';
  const spacing = polling ? 300 : Number(process.env.BENCH_SPACING_MS ?? 200);
  // The clients give up at this deadline: connecting, the idle window, the events, and then room for
  // the last event to arrive (a poll interval for the polling clients).
  const deadline = 30_000 + n * 3 + 1500 + SETTLE_MS + IDLE_MS + SAMPLE_MS + EVENTS * spacing + (polling ? 10_000 : 0);
  // Location mode: a second client process holds the location-filtered half, expecting site 1's events.
  const split = sites.length > 0 && kind === 'sse';
  const filteredN = split ? Math.floor(n / 2) : 0;
  const filteredEvents = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => i % sites.length === 0).length;
  const spawnClients = (count: number, expected: number, query = '') => {
    const proc = Bun.spawn(['bun', 'test/bench/fanout-clients.ts', kind === 'poll' ? 'poll' : kind, String(port), String(count), apiKey, String(expected), String(deadline), query], {
      stdout: 'pipe', stderr: 'inherit',
    });
    children.add(proc);
    return proc;
  };
  const clients = spawnClients(n - filteredN, EVENTS);
  const filtered = split ? spawnClients(filteredN, filteredEvents, `locations=${sites[0]}`) : null;
  const next = await lines(clients);
  const nextFiltered = filtered ? await lines(filtered) : null;
  for (const read of [next, nextFiltered]) {
    if (!read) continue;
    const ready = await read();
    if (!ready.startsWith('ready')) throw new Error(`clients: ${ready}`);
  }
  await Bun.sleep(1500); // let connection setup settle before measuring memory
  const rss1 = rssKB(server.pid);
  await Bun.sleep(SETTLE_MS);
  const v0 = await vacuumRuns(sql);
  // Only tillstream has the counter (the socket.io baseline's server is not ours).
  const statements = () => (kind === 'socketio' ? Promise.resolve(NaN) : instanceStatements(port));
  const s0 = await statements();
  const x0 = await xacts(sql);
  const t0 = now();
  await Bun.sleep(IDLE_MS);
  const x1 = await xacts(sql);
  const s1 = await statements();
  const secs = (now() - t0) / 1000;
  const vacuums = (await vacuumRuns(sql)) - v0;
  // Two counts of one window: the database's transactions (every backend's, autovacuum's included;
  // the bench's own read subtracted), and the statements this instance sent (its second scrape's read
  // subtracted).
  const idleQps = Math.max(0, x1 - x0 - 1) / secs;
  const idleStatements = (s1 - s0 - 1) / secs;
  // BENCH_SAMPLE_MS: name what the idle server runs, in a further window (the sampling costs queries).
  if (SAMPLE_MS > 0) {
    for (const [q, c] of [...await statementsDuring(sql, SAMPLE_MS)].sort((a, b) => b[1] - a[1])) console.error(`  ${kind} ${n} idle: ${c}× ${q}`);
  }

  const committed = new Map<string, number>();
  const payload = { customerId: crypto.randomUUID(), customerPhone: '+447306506797', customerName: 'Bench Customer', pointsChange: 10, newBalance: 120, totalPointsEarned: 130, totalPointsRedeemed: 10, transactionType: 'add', reason: 'benchmark', orderId: null, transactionId: crypto.randomUUID() };
  for (let i = 0; i < EVENTS; i++) {
    const id = await emit(kind, i, payload);
    committed.set(String(id), now());
    await Bun.sleep(spacing);
  }
  const lat = latencies(JSON.parse(await next()) as Record<string, number[]>, committed);
  const latFiltered = nextFiltered ? latencies(JSON.parse(await nextFiltered()) as Record<string, number[]>, committed) : [];
  const procs = [clients, filtered, server].filter((p): p is Subprocess => p !== null);
  for (const p of procs) { p.kill(); children.delete(p); }
  await Promise.all(procs.map((p) => p.exited));
  const row = (label: string | undefined, l: number[], count: number, expected: number): Row => ({
    kind, label, n: count, total: n, p50: pct(l, 0.5), p99: pct(l, 0.99), max: l.at(-1) ?? NaN, delivered: l.length, expected: count * expected,
    kbPerConn: (rss1 - rss0) / n, idleQps, idleStatements, vacuums,
  });
  if (!split) return [row(undefined, lat, n, EVENTS)];
  return [
    row(`every site (${n - filteredN} of ${n} streams)`, lat, n - filteredN, EVENTS),
    row(`locations=1 of ${sites.length} sites (${filteredN} of ${n} streams)`, latFiltered, filteredN, filteredEvents),
  ];
}

const rows: Row[] = [];
try {
  for (const kind of KINDS) {
    for (const n of kind === 'poll' ? POLL_SIZES : SIZES) {
      for (const row of await run(kind, n)) {
        rows.push(row);
        console.error(`${kind}${row.label ? ` [${row.label}]` : ''} ${n}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.kbPerConn.toFixed(1)} KB/conn, ${row.idleQps.toFixed(2)} transactions/s idle in the database (${row.vacuums} vacuum/analyze runs in that window), ${row.idleStatements.toFixed(2)} statements/s sent by the instance, ${row.delivered}/${row.expected} delivered`);
      }
    }
  }
} finally {
  for (const c of children) c.kill();
  await sql.end({ timeout: 1 });
  await pg.stop();
}

const NAMES: Record<string, string> = { sse: 'tillstream SSE (Bun)', socketio: 'socket.io 4 (Node ' + Bun.spawnSync(['node', '--version']).stdout.toString().trim() + ', baseline)', poll: 'polling every 5 s' };
console.log(`\nFan-out: ${EVENTS} events per run, one tenant${sites.length ? ` with ${sites.length} locations (SSE events per-site, round robin)` : ''}, light clients on 127.0.0.1; ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GB, Bun ${Bun.version}.\n`);
console.log('| server | subscribers | p50 ms | p99 ms | max ms | delivered | server RSS per connection | DB transactions/s while idle (total; per page) | statements/s the instance sent while idle | vacuum/analyze runs in the idle window |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${NAMES[r.kind]}${r.label ? `, ${r.label}` : ''} | ${r.n.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.delivered}/${r.expected} | ${r.kbPerConn.toFixed(1)} KB | ${r.idleQps.toFixed(2)}; ${(r.idleQps / r.total).toFixed(4)} | ${Number.isNaN(r.idleStatements) ? '—' : r.idleStatements.toFixed(2)} | ${r.kind === 'sse' || r.kind === 'poll' ? r.vacuums : '—'} |`);
}
process.exit(0);
