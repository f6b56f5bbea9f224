// Webhook delivery throughput to a local receiver, and what delivery costs the write path: redemptions
// per second over HTTP (a separate `bun src/main.ts` process) with no endpoints, then with ENDPOINTS
// endpoints taking every event, in the same run against the same database.
//   bun run bench:webhooks          (embedded durable Postgres in a temp dir)
//   BENCH_SECONDS=5 BENCH_EVENTS=5000 DATABASE_URL=postgres://… bun run bench:webhooks
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 4);
const CONCURRENCY = 8;
const HTTP_PORT = 32000 + Math.floor(Math.random() * 1000);

const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-')), port: 33000 + Math.floor(Math.random() * 1000), persistent: false, durable: true });
const sql = connect(pg.url, 20);
await migrate(sql);
const { tenant, apiKey } = await createTenant(sql, { slug: `bench-${Date.now().toString(36)}`, name: 'Bench' });
const customers: string[] = (await sql`
  insert into customers (tenant_id, phone, points_balance, total_points_earned)
  select ${tenant.id}, '+4473066' || lpad(g::text, 5, '0'), 0, 0 from generate_series(1, ${CONCURRENCY}) g returning id`).map((r) => r.id);
for (const id of customers) await sql`select points_add(${tenant.id}, ${id}, 1000000, 'bench seed', null, 'bench')`;

let received = 0;
const receiver = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: async (req) => { await req.text(); received++; return new Response('ok'); } });

const server = Bun.spawn(['bun', 'src/main.ts'], {
  env: { ...process.env, DATABASE_URL: pg.url, PORT: String(HTTP_PORT), SEED_DEMO: 'false', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_CONCURRENCY: String(ENDPOINTS) },
  stdout: 'ignore', stderr: 'inherit',
});
for (let i = 0; ; i++) {
  try { if ((await fetch(`http://127.0.0.1:${HTTP_PORT}/healthz`)).ok) break; } catch {}
  if (i > 100) throw new Error('server did not start');
  await Bun.sleep(100);
}

async function redemptions(): Promise<number> {
  let ops = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(customers.map(async (id) => {
    while (performance.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/customers/${id}/points/redeem`, {
        method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: '{"points":1}',
      });
      if (res.status !== 200) throw new Error(`redeem answered ${res.status}`);
      ops++;
    }
  }));
  return ops / SECONDS;
}

const newest = async () => Number((await sql`select event_seq from tenant_counters where tenant_id = ${tenant.id}`)[0]!.event_seq);
const caughtUp = async (n: number) => Number((await sql`select count(*) from webhooks where tenant_id = ${tenant.id} and cursor >= ${n}`)[0]!.count) === ENDPOINTS;

const baseline = await redemptions();

// Endpoints registered at the newest event, then EVENTS events written straight to the outbox's writers.
for (let i = 0; i < ENDPOINTS; i++) {
  await sql`insert into webhooks (tenant_id, url, secret, cursor) select ${tenant.id}, ${`http://127.0.0.1:${receiver.port}/hook/${i}`}, 'whsec_bench', event_seq
    from tenant_counters where tenant_id = ${tenant.id}`;
}
// Endpoints inserted behind the server's back are learnt by its worker at its next sweep (src/webhooks/
// worker.ts, `tenants`; until then it ignores this tenant's NOTIFYs): one event delivered first, so the
// timed run below measures delivery rather than that wait.
await sql`select points_add(${tenant.id}, ${customers[0]!}, 1, 'bench', null, 'bench')`;
const first = await newest();
while (!(await caughtUp(first))) await Bun.sleep(20);
const t0 = performance.now();
for (let i = 0; i < EVENTS; i++) await sql`select points_add(${tenant.id}, ${customers[i % CONCURRENCY]!}, 1, 'bench', null, 'bench')`;
const target = await newest();
while (!(await caughtUp(target))) await Bun.sleep(20);
const deliverySeconds = (performance.now() - t0) / 1000;

const during = await redemptions();
const target2 = await newest();
while (!(await caughtUp(target2))) await Bun.sleep(20);

console.log(JSON.stringify({
  events: EVENTS, endpoints: ENDPOINTS, deliveries: received,
  deliveriesPerSecond: Math.round((EVENTS * ENDPOINTS) / deliverySeconds),
  redeemPerSecond: { noEndpoints: Math.round(baseline), withEndpoints: Math.round(during) },
}, null, 2));
server.kill('SIGTERM');
await server.exited;
receiver.stop(true);
await sql.end();
await pg.stop();
