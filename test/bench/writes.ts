// Write rate of one Postgres primary, in restaurant orders: the figures the cell plan (README "Where one
// primary stops") rests on.
//   bun run bench:writes                                  (embedded Postgres 18, fsync on, in a temp dir)
//   BENCH_SECONDS=1 BENCH_TENANTS=1,10 bun run bench:writes   (a smoke run)
//   DATABASE_URL=postgres://… bun run bench:writes          (a real primary; it is migrated and written to)
//
// One order is one POS checkout through the real door: POST /api/v1/orders from a till's key bound to its
// site, with an Idempotency-Key (the till client sends one with every write), for an existing customer
// found by phone who earns points. The request runs in this process through the real route
// (src/orders/routes.ts: createOrder → idempotent → atLocation → order_create()) and the real auth
// middleware with its key cache, mounted on a bare Hono app and called with app.request(): no socket,
// no separate server, so the machine's cores go to Postgres and the figure is what the database costs.
// That is ONE transaction of 8 statements in 5 round trips (counted at start-up and printed; the run
// fails if the count changes, so this header cannot go stale silently):
//   [BEGIN, pg_try_advisory_xact_lock (the key), select the stored response]   idempotency (platform/idempotency.ts)
//   [set_config('tillstream.location'), locations … for share]                 atLocation (locations/where.ts)
//   [select order_create(…)]       customer (for update), order counter, order, status history, ledger row,
//                                  events new_order + loyalty_updated (tenant_counters, twice), pg_notify
//   [insert into idempotency_keys]
//   [COMMIT]                       the WAL flush (fsync on)
// The key lookup is a cache hit in steady state (once per key and process) and last_used_at is written at
// most once a minute per key: neither is per order.
//
// Why a tenant has a ceiling: order_create() updates the tenant's order counter row and emit_event() its
// event counter row (tenant_counters); the row locks last to COMMIT, WAL flush included, so one tenant's
// orders commit one after another however many tills send them. Many tenants commit in parallel (and
// share WAL flushes), up to what the primary's cores and disk do.
//
// Cells: (a) one tenant at 1, 4, 16, 32 connections (BENCH_CONCURRENCY): the per-tenant ceiling;
// (b) 1, 10, 100 tenants (BENCH_TENANTS) sharing BENCH_CONNECTIONS (32) connections: worker w's n-th order
// goes to tenant (w + n·connections) mod tenants, so every tenant is written to and, where it divides,
// each has the same share. Each cell: 1 s untimed warm-up, then BENCH_SECONDS (5) timed, after a
// CHECKPOINT. Concurrent orders of one tenant go to distinct customers (64 per tenant, more than any cell's
// connections), so they meet only on the counters, which is the point.
import { OpenAPIHono } from '@hono/zod-openapi';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthCache } from '../../src/identity/authCache.ts';
import { resolveApiCaller } from '../../src/identity/apiCaller.ts';
import { createApiKey, keyAuthFromHash, hashApiKey, type KeyAuth } from '../../src/identity/apiKeys.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { createLocation } from '../../src/locations/locations.ts';
import { orderRoutes } from '../../src/orders/routes.ts';
import { defaultConfig } from '../../src/platform/config.ts';
import { connect } from '../../src/platform/database.ts';
import type { AppEnv } from '../../src/platform/deps.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { toProblem } from '../../src/platform/errors.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { freePort } from '../cluster/cluster.ts';

const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number) : d);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARM_MS = 1000;
const CONCURRENCY = list(process.env.BENCH_CONCURRENCY, [1, 4, 16, 32]);
const TENANTS = list(process.env.BENCH_TENANTS, [1, 10, 100]);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ORDERS_PER_HOUR = Number(process.env.ORDERS_PER_HOUR ?? 60);
const HEADROOM = Number(process.env.BENCH_HEADROOM ?? 0.5);
const CUSTOMERS = 64;
const STATEMENTS_PER_ORDER = 8;
const maxConnections = Math.max(CONNECTIONS, ...CONCURRENCY);
if (CUSTOMERS < maxConnections) throw new Error(`at most ${CUSTOMERS} connections: one tenant's concurrent orders need distinct customers`);

const pgDir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), 'bench-writes-'));
const pg = pgDir
  ? await startEmbeddedPostgres({ dir: pgDir, port: freePort(), persistent: false, durable: true })
  : { url: process.env.DATABASE_URL!, stop: async () => {} };
let statements = 0;
const sql = connect(pg.url, maxConnections, undefined, () => { statements++; });
await migrate(sql);

// The door: the real orders router behind the real API-key middleware (its cache trusted, as it is while
// an instance's listener is up; nothing is revoked during the run). Refusals become problem+json, as in
// src/app.ts, so a failed order says why.
const deps = { sql, config: defaultConfig() };
const app = new OpenAPIHono<AppEnv>();
app.onError((err) => { const problem = toProblem(err); return Response.json(problem, { status: problem.status }); });
app.use('/api/v1/*', resolveApiCaller({ ...deps, auth: new AuthCache<KeyAuth>({ max: 10_000, ttlMs: 3_600_000, usable: () => true }) }));
app.route('/api/v1', orderRoutes(deps));

// An instance's LISTEN connection, as in production (src/realtime/listener.ts), so every commit's NOTIFY
// is delivered and read. It only counts: the fan-out's reads of the event rows depend on open streams
// and are not part of an order's write cost.
let notifications = 0;
await sql.listen('events', () => { notifications++; });

// Tenants: a site, a till key bound to it, and customers written straight to the table with no points
// (nothing to reconcile: the ledger starts empty, so I1 holds from the start).
type Tenant = { id: string; key: string; next: number };
const run = Date.now().toString(36);
const tenants: Tenant[] = [];
const setupStart = performance.now();
for (let t = 0; t < Math.max(...TENANTS, 1); t++) {
  const { tenant, apiKey } = await createTenant(sql, { slug: `w${run}-${t}`, name: `Bench ${t}` });
  const owner = await keyAuthFromHash(sql, hashApiKey(apiKey));
  const site = await createLocation(sql, owner!.caller, { name: 'High Street', code: 'HS', timeZone: 'Europe/London' });
  const till = await createApiKey(sql, tenant.id, 'till 1', site.id);
  await sql`insert into customers (tenant_id, phone, name)
    select ${tenant.id}, '+4473065' || lpad(g::text, 5, '0'), 'Guest ' || g from generate_series(1, ${CUSTOMERS}) g`;
  tenants.push({ id: tenant.id, key: till.apiKey, next: 0 });
}
console.error(`set up ${tenants.length} tenants × ${CUSTOMERS} customers in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

let orderSeq = 0;
let placed = 0;
/** One checkout for tenant `t`; throws unless it is placed (201). */
async function order(t: Tenant) {
  const phone = `+4473065${String(1 + (t.next++ % CUSTOMERS)).padStart(5, '0')}`;
  const res = await app.request('/api/v1/orders', {
    method: 'POST',
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json', 'idempotency-key': `bench-${run}-${orderSeq++}` },
    body: JSON.stringify({
      source: 'pos', orderType: 'dine_in', customer: { phone },
      items: [{ name: 'Margherita', quantity: 1, unitPriceCents: 1150 }, { name: 'Lemonade', quantity: 2, unitPriceCents: 350 }],
    }),
  });
  if (res.status !== 201) throw new Error(`checkout answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  placed++;
}

// Statements per order, counted on the pool (BEGIN and COMMIT included) over a few sequential orders
// after one that fills the key cache.
await order(tenants[0]);
const PROBE = 10;
statements = 0;
for (let i = 0; i < PROBE; i++) await order(tenants[0]);
const measuredStatements = statements / PROBE;
if (measuredStatements !== STATEMENTS_PER_ORDER) {
  throw new Error(`one order sent ${measuredStatements} statements, the header says ${STATEMENTS_PER_ORDER}: update the header and README`);
}

// Postgres's CPU: the postmaster and its children (backends, WAL writer, checkpointer…), from /proc.
// Null when Postgres is not on this machine or /proc cannot be read.
const CLK_TCK = Number(new TextDecoder().decode(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout).trim()) || 100;
const [{ pid: backendPid }] = await sql`select pg_backend_pid() as pid`;
const statOf = (pid: string | number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
function postmasterPid(): number | null {
  try { return Number(statOf(backendPid)[1]); } catch { return null; }
}
const postmaster = postmasterPid();
function postgresTicks(): number | null {
  if (postmaster === null) return null;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = statOf(entry); // f[1] ppid, f[11] utime, f[12] stime
      if (Number(entry) === postmaster || Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch { /* exited meanwhile */ }
  }
  return ticks;
}

type Cell = {
  label: string; tenants: number; connections: number; orders: number; perSec: number; p50: number; p99: number;
  perTenantMin: number; perTenantMax: number; pgCpu: number | null; benchCpu: number;
};

/** `connections` workers placing orders back to back over the first `tenantCount` tenants. */
async function cell(label: string, tenantCount: number, connections: number): Promise<Cell> {
  await sql`checkpoint`;
  const latencies: number[] = [];
  const perTenant = new Array<number>(tenantCount).fill(0);
  const warmEnd = performance.now() + WARM_MS;
  const end = warmEnd + SECONDS * 1000;
  let ticks0: number | null = null;
  let cpu0 = process.cpuUsage();
  const marked = (async () => {
    await Bun.sleep(WARM_MS);
    ticks0 = postgresTicks();
    cpu0 = process.cpuUsage();
  })();
  await Promise.all(Array.from({ length: connections }, async (_, w) => {
    for (let n = 0; performance.now() < end; n++) {
      const t = (w + n * connections) % tenantCount;
      const t0 = performance.now();
      await order(tenants[t]);
      const t1 = performance.now();
      if (t0 >= warmEnd && t1 <= end) { latencies.push(t1 - t0); perTenant[t]++; }
    }
  }));
  await marked;
  const ticks1 = postgresTicks();
  const cpu = process.cpuUsage(cpu0);
  const machine = SECONDS * cpus().length;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    label, tenants: tenantCount, connections, orders: latencies.length, perSec: latencies.length / SECONDS,
    p50: q(0.5), p99: q(0.99),
    perTenantMin: Math.min(...perTenant) / SECONDS, perTenantMax: Math.max(...perTenant) / SECONDS,
    pgCpu: ticks0 !== null && ticks1 !== null ? (ticks1 - ticks0) / CLK_TCK / machine : null,
    benchCpu: (cpu.user + cpu.system) / 1e6 / machine,
  };
}

const cells: Cell[] = [];
for (const c of CONCURRENCY) {
  cells.push(await cell('a: one tenant', 1, c));
  console.error(JSON.stringify(cells.at(-1)));
}
for (const t of TENANTS) {
  cells.push(await cell('b: whole database', t, CONNECTIONS));
  console.error(JSON.stringify(cells.at(-1)));
}

// I1, I2, I4, I5 (README "Invariants"), and I6 and the order numbers' lack of gaps per tenant: what many
// writers racing on one tenant's counters could break.
const [check] = await sql`select
  (select count(*)::int from points_discrepancies) as "pointsDiscrepancies",
  (select count(*)::int from gift_card_discrepancies) as "cardDiscrepancies",
  (select count(*)::int from customers where points_balance < 0) as "negativePoints",
  (select count(*)::int from ledger where balance_after <> balance_before + points) as "brokenLedgerRows",
  (select count(*)::int from (select tenant_id from events group by tenant_id having count(*) <> max(id) - min(id) + 1) g) as "tenantsWithEventGaps",
  (select count(*)::int from (select o.tenant_id from orders o join order_counters c using (tenant_id)
     group by o.tenant_id, c.last_number having count(*) <> c.last_number - 1000) g) as "tenantsWithOrderNumberGaps"`;

const [{ version }] = await sql`select current_setting('server_version') as version`;
const [{ fsync, sync }] = await sql`select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`;
const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(0)}%`);

console.log(`\nMachine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Bun ${Bun.version}; ` +
  `Postgres ${version}${pgDir ? ' (embedded)' : ''}, fsync ${fsync}, synchronous_commit ${sync}; ${SECONDS} s per cell after ${WARM_MS / 1000} s warm-up`);
console.log(`One order = 1 transaction, ${measuredStatements} statements (BEGIN and COMMIT included), 5 round trips: a POS checkout through the real route\n`);
console.log('| cell | tenants | connections | orders/s | p50 / p99 ms | per tenant orders/s (min–max) | Postgres CPU | bench CPU |');
console.log('|---|---|---|---|---|---|---|---|');
for (const c of cells) {
  const each = c.tenants === 1 ? f0(c.perTenantMax) : `${f1(c.perSec / c.tenants)} (${f1(c.perTenantMin)}–${f1(c.perTenantMax)})`;
  console.log(`| ${c.label} | ${c.tenants} | ${c.connections} | ${f0(c.perSec)} | ${f1(c.p50)} / ${f1(c.p99)} | ${each} | ${pct(c.pgCpu)} | ${pct(c.benchCpu)} |`);
}
console.log(`\nCPU shares are of the whole machine (${cpus().length} cores); "bench" is this process (the door and the load), which shares the cores with Postgres.`);

// The cost model (README "Where one primary stops"): the whole-database rate is the cell with the most
// tenants (many restaurants, few orders each, is what a shared primary sees); the per-tenant ceiling is
// the best one-tenant cell.
const whole = cells.filter((c) => c.label.startsWith('b')).sort((x, y) => y.tenants - x.tenants)[0];
const ceiling = cells.filter((c) => c.tenants === 1).sort((x, y) => y.perSec - x.perSec)[0];
if (whole && ceiling) {
  const served = (whole.perSec * HEADROOM * 3600) / ORDERS_PER_HOUR;
  const groupPerHour = ceiling.perSec * HEADROOM * 3600;
  console.log(`\nCost model (ORDERS_PER_HOUR=${ORDERS_PER_HOUR} per restaurant at peak, primary run at ${f0(HEADROOM * 100)}% of what was measured):`);
  console.log(`- whole database: ${f0(whole.perSec)} orders/s with ${whole.tenants} tenants → ${f0(whole.perSec)} × ${HEADROOM} × 3600 / ${ORDERS_PER_HOUR} = ` +
    `${Math.floor(served).toLocaleString('en')} restaurants on one primary`);
  console.log(`- per tenant: ${f0(ceiling.perSec)} orders/s at ${ceiling.connections} connection${ceiling.connections === 1 ? '' : 's'} = ${Math.round(ceiling.perSec * 3600).toLocaleString('en')} orders/hour for one group; ` +
    `at ${f0(HEADROOM * 100)}%, ${Math.round(groupPerHour).toLocaleString('en')} orders/hour = ${Math.floor(groupPerHour / ORDERS_PER_HOUR).toLocaleString('en')} restaurants in one group`);
}

const broken = Object.entries(check).filter(([, n]) => n !== 0);
await Bun.sleep(200); // the last commits' NOTIFYs
console.log(`\nNOTIFYs heard by the listener: ${notifications.toLocaleString('en')} for ${placed.toLocaleString('en')} orders placed (warm-ups included; one per order)`);
console.log(`\nInvariants after the run: ${Object.entries(check).map(([k, n]) => `${k} ${n}`).join(', ')}`);

await sql.end();
await pg.stop();
if (broken.length) {
  console.error(`\nINVARIANTS BROKEN: ${broken.map(([k, n]) => `${k} = ${n}`).join(', ')}`);
  process.exit(1);
}
