// Guest wallet benchmark: commit-to-guest latency (p50/p99) with many open wallet streams
// (/w/<token>/stream) over many customers, beside the admin stream's (/api/v1/events/stream) in the
// same run on the same server. Each event is a points add for one customer, so each guest stream
// receives only its customer's share; the run also counts any frame delivered to the wrong guest.
//   bun run bench:wallet                          (10,000 wallet streams over 1,000 customers)
//   BENCH_STREAMS=20 BENCH_CUSTOMERS=4 BENCH_ADMIN=5 BENCH_EVENTS=10 bun run bench:wallet   (a smoke run)
// Everything runs on 127.0.0.1 against embedded Postgres (or DATABASE_URL); every process is killed at the end.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { lines } from './processes.ts';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000);
const ADMIN = Number(process.env.BENCH_ADMIN ?? 100);
// Enough events that each customer's guests see a few and the p99 is not one GC pause.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 20);

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-wallet-')), port: 44500 + Math.floor(Math.random() * 1000), persistent: false, durable: false });
const sql = connect(pg.url, 4);
await migrate(sql);
const { tenant, apiKey } = await createTenant(sql, { slug: `wallet-${Date.now().toString(36)}`, name: 'Wallet bench' });
const children = new Set<Subprocess>();
const now = () => performance.timeOrigin + performance.now();
const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;

// Customers and one link each, written straight to the tables (the API's mint is not what is measured).
const customers: string[] = [];
const paths: string[] = [];
for (let i = 0; i < CUSTOMERS; i++) {
  const [c] = await sql`insert into customers (tenant_id, phone) values (${tenant.id}, ${`+4473070${String(i).padStart(5, '0')}`}) returning id`;
  const token = randomBytes(32).toString('base64url');
  await sql`insert into wallet_links (tenant_id, customer_id, token_hash, created_by, expires_at)
    values (${tenant.id}, ${c.id}, ${createHash('sha256').update(token).digest()}, 'bench', now() + interval '1 day')`;
  customers.push(c.id);
  paths.push(`/w/${token}/stream`);
}
// Stream i follows customer i mod CUSTOMERS.
const dir = mkdtempSync(join(tmpdir(), 'bench-wallet-paths-'));
writeFileSync(join(dir, 'paths'), Array.from({ length: STREAMS }, (_, i) => paths[i % CUSTOMERS]).join('\n'));

const perLink = Math.ceil(STREAMS / CUSTOMERS);
const server = Bun.spawn(['bun', 'src/main.ts'], {
  env: {
    ...process.env, DATABASE_URL: pg.url, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', DB_POOL_MAX: '10',
    SSE_MAX_STREAMS_PER_KEY: '100000', WALLET_STREAMS_PER_LINK: String(perLink), WALLET_REQUESTS_PER_MINUTE: String(perLink * 4),
  },
  stdout: 'pipe', stderr: 'inherit',
});
children.add(server);

try {
  const out = await lines(server as Subprocess<'ignore', 'pipe', 'inherit'>);
  let port = 0;
  while (!port) port = Number((await out()).match(/listening on http:\/\/[^:]+:(\d+)/)?.[1] ?? 0);

  const deadline = 60_000 + STREAMS * 3 + EVENTS * SPACING_MS;
  const guests = Bun.spawn(['bun', 'test/bench/wallet-clients.ts', String(port), join(dir, 'paths'), String(deadline)], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' });
  children.add(guests);
  const admins = Bun.spawn(['bun', 'test/bench/fanout-clients.ts', 'sse', String(port), String(ADMIN), apiKey, String(EVENTS), String(deadline)], { stdout: 'pipe', stderr: 'inherit' });
  children.add(admins);
  const nextGuest = await lines(guests);
  const nextAdmin = await lines(admins as Subprocess<'ignore', 'pipe', 'inherit'>);
  for (const [who, next] of [['guests', nextGuest], ['admins', nextAdmin]] as const) {
    const ready = await next();
    if (!ready.startsWith('ready')) throw new Error(`${who}: ${ready}`);
  }
  await Bun.sleep(1500);

  // Each event is one points add (apply_points: a ledger row and loyalty_updated), customers round robin.
  const committed = new Map<string, { at: number; customer: string }>();
  for (let i = 0; i < EVENTS; i++) {
    const customer = customers[i % CUSTOMERS];
    const id = await sql.begin(async (tx) => {
      await tx`select apply_points(${tenant.id}, ${customer}, 'add', 1, 'bench', null, 'bench')`;
      const [{ seq }] = await tx`select event_seq as seq from tenant_counters where tenant_id = ${tenant.id}`;
      return String(seq);
    });
    committed.set(id, { at: now(), customer });
    await Bun.sleep(SPACING_MS);
  }
  await Bun.sleep(2000);
  guests.stdin.write('report\n');
  guests.stdin.end();
  const guestResult = JSON.parse(await nextGuest()) as [string, number][][];
  const adminResult = JSON.parse(await nextAdmin()) as Record<string, number[]>;

  const guestLat: number[] = [];
  let wrong = 0;
  let expected = 0;
  const perCustomer = new Map<string, number>();
  for (const { customer } of committed.values()) perCustomer.set(customer, (perCustomer.get(customer) ?? 0) + 1);
  guestResult.forEach((frames, i) => {
    const mine = customers[i % CUSTOMERS];
    expected += perCustomer.get(mine) ?? 0;
    for (const [id, at] of frames) {
      const c = committed.get(id);
      if (!c) continue;
      if (c.customer !== mine) wrong++;
      else guestLat.push(at - c.at);
    }
  });
  const adminLat: number[] = [];
  for (const [id, times] of Object.entries(adminResult)) {
    const c = committed.get(id);
    if (c) for (const t of times) adminLat.push(t - c.at);
  }
  guestLat.sort((a, b) => a - b);
  adminLat.sort((a, b) => a - b);

  console.log(`\nWallet: ${EVENTS} points adds, ${STREAMS.toLocaleString('en')} wallet streams over ${CUSTOMERS.toLocaleString('en')} customers `
    + `(${perLink} per link) beside ${ADMIN} admin streams, one server; ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GB, Bun ${Bun.version}.\n`);
  console.log('| stream | open | p50 ms | p99 ms | max ms | delivered | to the wrong guest |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| guest wallet (/w/<token>/stream) | ${STREAMS.toLocaleString('en')} | ${pct(guestLat, 0.5).toFixed(1)} | ${pct(guestLat, 0.99).toFixed(1)} | ${(guestLat.at(-1) ?? NaN).toFixed(1)} | ${guestLat.length}/${expected} | ${wrong} |`);
  console.log(`| admin (/api/v1/events/stream) | ${ADMIN.toLocaleString('en')} | ${pct(adminLat, 0.5).toFixed(1)} | ${pct(adminLat, 0.99).toFixed(1)} | ${(adminLat.at(-1) ?? NaN).toFixed(1)} | ${adminLat.length}/${ADMIN * EVENTS} | – |`);
} finally {
  for (const c of children) c.kill();
  await sql.end({ timeout: 1 });
  await pg.stop();
}
process.exit(0);
