// Customers at the scale of a real group (issue 12, item 6): one tenant with 500,000 customers,
// 5,000,000 ledger rows and 500,000 orders, generated in SQL, then p50/p99 of each interactive call
// over HTTP against a separate `bun src/main.ts` process, one request at a time (so the figure is the
// server's time plus a loopback round trip, not queueing), and the ledger CSV export if one exists.
//   bun run bench:customers                      (embedded Postgres in a temp dir; full size)
//   BENCH_SCALE=0.01 bun run bench:customers     (1/100: 5,000 customers, to check the script works)
//   BENCH_SAMPLES=500 DATABASE_URL=postgres://… bun run bench:customers
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { createSession, SESSION_COOKIE } from '../../src/identity/sessions.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const CUSTOMERS = Math.max(100, Math.round(500_000 * SCALE));
const LEDGER_PER_CUSTOMER = 10; // 5,000,000 rows at full size
const ORDERS_PER_CUSTOMER = 1; // 500,000 orders at full size
const HTTP_PORT = 32000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${HTTP_PORT}`;

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-')), port: 33000 + Math.floor(Math.random() * 1000), persistent: false, durable: true });
const sql = connect(pg.url, 4);
await migrate(sql);
const slug = `bench-${Date.now().toString(36)}`;
const { tenant, apiKey } = await createTenant(sql, { slug, name: 'Bench Group' });
// test/support loads the test runner's preload, so a script makes its owner and session itself; the
// admin pages are only read here, so no CSRF token is needed.
const [{ id: ownerId }] = await sql`insert into admins (tenant_id, email, password_hash, role)
  values (${tenant.id}, 'owner@bench.test', ${await Bun.password.hash('bench password')}, 'owner') returning id`;
const sessionCookie = `${SESSION_COOKIE}=${await createSession(sql, ownerId, tenant.id)}`;

// ---- Seed, in SQL --------------------------------------------------------------------------------
const seedStarted = performance.now();
const step = async (label: string, work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  console.error(`seeded ${label} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
};

// Every customer's ten ledger rows follow one closed form, so balances agree with the ledger (I1) and
// each row's before + points = after (I4) without a window over millions of rows. With f = 1..7 per
// customer, row k (1..10) earns 20·k·f, except rows 5 and 10, which redeem 50·f:
//   earned(k)   = f · (10·k·(k+1) − 100·[k ≥ 5] − 200·[k ≥ 10])
//   redeemed(k) = f · 50 · ⌊k/5⌋          balance_after(k) = earned(k) − redeemed(k)
// so a customer ends with 700·f points, 800·f earned, 100·f redeemed. The script checks I1 at the end.
await sql`create temporary table bench_f (k int primary key, earned int, redeemed int, points int)`;
await sql`insert into bench_f select k,
    10 * k * (k + 1) - 100 * (k >= 5)::int - 200 * (k >= 10)::int,
    50 * (k / 5),
    case when k % 5 = 0 then -50 else 20 * k end
  from generate_series(1, ${LEDGER_PER_CUSTOMER}) k`;

await step(`${CUSTOMERS.toLocaleString()} customers`, () => sql`
  insert into customers (tenant_id, phone, name, email, points_balance, total_points_earned, total_points_redeemed, created_at, updated_at)
  select ${tenant.id},
    -- 078 mobiles (all valid to libphonenumber); 7919 is coprime with 10^8, so every number differs and their digits are spread out.
    '+4478' || lpad(((g::bigint * 7919) % 100000000)::text, 8, '0'),
    (array['Olivia','Amelia','Isla','Zoë','Chloé','Noah','Oliver','José','Renée','Mohammed','Siobhán','Łukasz','Björn','Aoife','Jack','Harry'])[g % 16 + 1]
      || ' ' || (array['Smith','Jones','Williams','Brown','Taylor','Davies','Müller','García','O''Brien','Núñez','Kowalski','Patel','Nguyen','Ó Súilleabháin','Evans','Wilson'])[(g / 16) % 16 + 1],
    'guest' || g || '@example.test',
    700 * (g % 7 + 1), 800 * (g % 7 + 1), 100 * (g % 7 + 1),
    now() - (${CUSTOMERS} - g) * interval '1 minute', now() - (${CUSTOMERS} - g) * interval '1 minute'
  from generate_series(1, ${CUSTOMERS}) g`);

await step(`${(CUSTOMERS * LEDGER_PER_CUSTOMER).toLocaleString()} ledger rows`, () => sql`
  insert into ledger (tenant_id, customer_id, type, points, balance_before, balance_after, reason, actor, created_at)
  select ${tenant.id}, c.id, case when f.points < 0 then 'redeem' else 'earn' end,
    f.points * c.m, (f.earned - f.redeemed) * c.m - f.points * c.m, (f.earned - f.redeemed) * c.m,
    'bench', 'bench', c.created_at + f.k * interval '1 day'
  from (select id, created_at, (points_balance / 700) as m from customers where tenant_id = ${tenant.id} order by seq) c
  cross join bench_f f`);

await step(`${(CUSTOMERS * ORDERS_PER_CUSTOMER).toLocaleString()} orders`, () => sql`
  insert into orders (tenant_id, order_number, source, order_type, status, customer_id, customer_name, customer_phone,
                      items, subtotal_cents, total_cents, points_earned, created_at, updated_at)
  select ${tenant.id}, 'B' || c.seq || '-' || o, 'pos', 'collection', 'completed', c.id, c.name, c.phone,
    '[{"name":"Flat white","quantity":2,"unitPriceCents":320}]'::jsonb, 640, 640, 6,
    c.created_at + o * interval '1 hour', c.created_at + o * interval '1 hour'
  from customers c cross join generate_series(1, ${ORDERS_PER_CUSTOMER}) o
  where c.tenant_id = ${tenant.id}`);

await step('vacuum analyze', async () => {
  for (const table of ['customers', 'ledger', 'orders']) await sql.unsafe(`vacuum analyze ${table}`);
});
const seedSeconds = (performance.now() - seedStarted) / 1000;

// ---- Serve ---------------------------------------------------------------------------------------
const server = Bun.spawn(['bun', 'src/main.ts'], {
  env: { ...process.env, DATABASE_URL: pg.url, PORT: String(HTTP_PORT), SEED_DEMO: 'false', DB_POOL_MAX: '10' },
  stdout: 'ignore', stderr: 'inherit',
});
process.on('exit', () => server.kill()); // a failed measurement must not leave the server running
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/healthz`)).ok) break; } catch {}
  if (i > 100) throw new Error('server did not start');
  await Bun.sleep(100);
}
const statusKb = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]);
const peakRssMb = () => statusKb('VmHWM') / 1024;
const rssMb = () => statusKb('VmRSS') / 1024;
/** Resets the server's peak RSS (VmHWM) to its current RSS (Linux: "5" to clear_refs), so a peak is one phase's. */
function resetPeakRss(): boolean {
  try { writeFileSync(`/proc/${server.pid}/clear_refs`, '5'); return true; } catch { return false; }
}

const admin = {
  get: (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/${slug}/admin${path}`, { redirect: 'manual', headers: { cookie: sessionCookie, ...headers } }),
};
const bearer = { authorization: `Bearer ${apiKey}` };

async function ok(res: Response | Promise<Response>, want = 200) {
  const r = await res;
  if (r.status !== want) throw new Error(`${r.url}: HTTP ${r.status}: ${(await r.text()).slice(0, 300)}`);
  await r.arrayBuffer();
}

// Targets spread over the whole table, the same ones for every operation.
type Target = { id: string; phone: string; name: string; email: string };
const targets: Target[] = [...await sql`select id, phone, name, email from customers where tenant_id = ${tenant.id}
  order by random() limit ${SAMPLES}`] as Target[];
const national = (e164: string) => `0${e164.slice(3, 7)} ${e164.slice(7)}`; // +447812345678 → "07812 345678"

type Timing = { label: string; p50: number; p99: number; n: number };
const timings: Timing[] = [];
/** `one` may return its own duration, when it must do untimed work first (the GET before a PATCH). */
async function measure(label: string, one: (target: Target, i: number) => Promise<number | void>) {
  for (let i = 0; i < 5; i++) await one(targets[i % targets.length], i); // warm the connection and plans
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const own = await one(targets[i % targets.length], i);
    latencies.push(typeof own === 'number' ? own : performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  timings.push({ label, p50: q(0.5), p99: q(0.99), n: latencies.length });
  console.error(`${label}: p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms`);
}
const api = (path: string, init: RequestInit = {}) => fetch(base + path, { ...init, headers: { ...bearer, ...init.headers } });
const search = (q: string) => `/api/v1/customers?${new URLSearchParams({ q })}`;
/** A search that must find this customer: a fast answer that misses them would measure nothing. */
async function finds(q: string, c: { id: string }) {
  const res = await api(search(q));
  const body = await res.json() as { data?: { id: string }[] };
  if (!body.data?.some((d) => d.id === c.id)) throw new Error(`search ${JSON.stringify(q)} did not find ${c.id}: HTTP ${res.status}`);
}

await measure('phone lookup, national spelling (GET /api/v1/customers/lookup)', (c) =>
  ok(api(`/api/v1/customers/lookup?${new URLSearchParams({ phone: national(c.phone) })}`)));
await measure('search: full national phone "07812 345678"', (c) => finds(national(c.phone), c));
// A tail starting with 0 reads as a national prefix ("07858…": thousands match, newest first), so take
// the shortest tail of six or more digits that does not.
const tail = (phone: string) => { let n = 6; while (phone.slice(-n).startsWith('0')) n++; return phone.slice(-n); };
// The seeded numbers all start +4478, so a tail like "478423" also matches every number that starts
// +4478423 (1 in 1,000): the customer may be past the newest 50. A full page of matches did the work too.
await measure('search: last six (or more) digits of a phone', async (c) => {
  const res = await api(search(tail(c.phone)));
  const body = await res.json() as { data?: { id: string }[] };
  if (!body.data?.some((d) => d.id === c.id) && body.data?.length !== 50) throw new Error(`tail search missed ${c.id}: HTTP ${res.status}`);
});
await measure('search: national area code "07812" (thousands match; newest 50)', (c) => ok(api(search(c.phone.slice(0, 7).replace('+44', '0')))));
await measure('search: unaccented first and last name (1 customer in 256 shares it; newest 50)', (c) =>
  ok(api(search(c.name.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()))));
await measure('search: an email (one match)', (c) => finds(c.email, c));
await measure('admin customer list page (GET /admin/customers)', () => ok(admin.get('/customers')));
await measure('admin customer list, search as typed (htmx results)', (c) =>
  ok(admin.get(`/customers/results?${new URLSearchParams({ q: c.name.split(' ')[1] })}`, { 'hx-request': 'true' })));
await measure('admin customer page (GET /admin/customers/{id})', (c) => ok(admin.get(`/customers/${c.id}`)));
await measure('API customer (GET /api/v1/customers/{id})', (c) => ok(api(`/api/v1/customers/${c.id}`)));

// The edit: PATCH with If-Match once the edit item lands; until then a points add, the write staff make most.
const openapi = await (await fetch(`${base}/openapi.json`)).json() as { paths: Record<string, Record<string, any>> };
if (openapi.paths['/api/v1/customers/{id}']?.patch) {
  await measure('edit (PATCH /api/v1/customers/{id} with If-Match; the GET for the ETag not counted)', async (c, i) => {
    const etag = (await api(`/api/v1/customers/${c.id}`).then(async (r) => { await r.arrayBuffer(); return r.headers.get('etag'); }))!;
    const t0 = performance.now();
    await ok(api(`/api/v1/customers/${c.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify({ note: `bench ${i}` }) }));
    return performance.now() - t0;
  });
} else {
  await measure('points add (POST /api/v1/customers/{id}/points/add; no PATCH on this branch)', (c) =>
    ok(api(`/api/v1/customers/${c.id}/points/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"points":5}' })));
}

// The whole-ledger CSV export, if this branch has one: a GET under a ledger path answering text/csv.
const exportPath = Object.entries(openapi.paths).find(([path, ops]) =>
  /ledger/i.test(path) && !path.includes('{') && JSON.stringify(ops.get?.responses ?? {}).includes('text/csv'));
let exportLine = 'Ledger CSV export: no route on this branch (no GET under a ledger path answers text/csv); not measured.';
if (exportPath) {
  const [path, ops] = exportPath;
  const query = new URLSearchParams();
  for (const p of (ops.get.parameters ?? []) as { name: string; in: string; required?: boolean }[]) {
    if (p.in !== 'query') continue;
    if (p.name === 'format') query.set('format', 'csv');
    else if (/^(from|since|start)/i.test(p.name)) query.set(p.name, '2000-01-01');
    else if (/^(to|until|end)/i.test(p.name)) query.set(p.name, '2100-01-01');
  }
  const before = rssMb();
  const reset = resetPeakRss();
  const t0 = performance.now();
  const res = await api(`${path}?${query}`, { headers: { accept: 'text/csv' } });
  if (res.status !== 200) throw new Error(`export: HTTP ${res.status}: ${await res.text()}`);
  let lines = 0;
  // Native indexOf, not a JS loop over every byte: at ~750 MB the client's counting must not be what is measured.
  for await (const chunk of res.body!) {
    const bytes = chunk as Uint8Array;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = lines - 1; // the header line
  exportLine = `Ledger CSV export (GET ${path}?${query}): ${rows.toLocaleString()} rows in ${seconds.toFixed(1)} s = ` +
    `${Math.round(rows / seconds).toLocaleString()} rows/s; server RSS ${before.toFixed(0)} MB before, peak ` +
    `${peakRssMb().toFixed(0)} MB ${reset ? 'during the export' : 'over the whole run (clear_refs refused)'}`;
  console.error(exportLine);
}

const [{ bad }] = await sql`select count(*)::int as bad from points_discrepancies`;
const [{ broken }] = await sql`select count(*)::int as broken from ledger where balance_after <> balance_before + points`;
const [{ ledgerRows }] = await sql`select count(*)::int as "ledgerRows" from ledger where tenant_id = ${tenant.id}`;

console.log(`\nMachine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Bun ${Bun.version}; Postgres fsync on`);
console.log(`Data: ${CUSTOMERS.toLocaleString()} customers, ${ledgerRows.toLocaleString()} ledger rows, ${(CUSTOMERS * ORDERS_PER_CUSTOMER).toLocaleString()} orders in one tenant (BENCH_SCALE=${SCALE}), seeded in ${seedSeconds.toFixed(0)} s`);
console.log(`One request at a time, ${SAMPLES} samples each, over loopback HTTP\n`);
console.log('| call | p50 ms | p99 ms |');
console.log('|---|---|---|');
for (const t of timings) console.log(`| ${t.label} | ${t.p50.toFixed(1)} | ${t.p99.toFixed(1)} |`);
console.log(`\n${exportLine}`);
console.log(`Invariants after the run: I1 discrepancies ${bad}, I4 broken rows ${broken}`);

server.kill();
await server.exited;
await sql.end();
await pg.stop();
if (bad || broken) process.exit(1);
