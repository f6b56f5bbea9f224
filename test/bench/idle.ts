// Idle streams only (no events, no baselines): server RSS per open stream and what the database does
// while N streams sit idle. Cheap enough to run on a busy machine (RSS per stream is robust there;
// latency is not, which is why this leaves timing to fanout.ts).
//   bun run bench:idle [N=10000] [idleMs=20000]
//   BENCH_ADMIN=1: the streams are admin pages' (one admin's cookie session) rather than one API key's.
// Prints KB per stream, transactions/s while idle (after waiting out the stats' 10 s reporting delay),
// and every distinct statement the server ran in a second window of the same length (sampled from pg_stat_activity).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { createSession } from '../../src/identity/sessions.ts';
import { instanceStatements, lines, statementsDuring, xacts } from './processes.ts';

const N = Number(process.argv[2] ?? 10_000);
const IDLE_MS = Number(process.argv[3] ?? 20_000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 11_000);
const pg = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'bench-idle-')), port: 44500 + Math.floor(Math.random() * 1000), persistent: false, durable: false });
const sql = connect(pg.url, 2);
const children = new Set<Subprocess>();
const rssKB = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)?.[1] ?? NaN);
try {
  await migrate(sql);
  const slug = `idle-${Date.now().toString(36)}`;
  const { tenant, apiKey } = await createTenant(sql, { slug, name: 'Idle bench' });
  const admin = process.env.BENCH_ADMIN === '1';
  let credential = apiKey;
  if (admin) {
    const [row] = await sql`insert into admins (tenant_id, email, password_hash, role)
      values (${tenant.id}, 'bench@example.com', ${await Bun.password.hash('bench-password-1')}, 'owner') returning id`;
    credential = `admin:${slug}:${await createSession(sql, row.id, tenant.id)}`;
  }
  const server = Bun.spawn(['bun', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: pg.url, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', DB_POOL_MAX: '10', SSE_MAX_STREAMS_PER_KEY: '100000' },
    stdout: 'pipe', stderr: 'inherit',
  });
  children.add(server);
  const next = await lines(server as Subprocess<'ignore', 'pipe', 'inherit'>);
  let port = 0;
  while (!port) port = Number((await next()).match(/(?:listening on http:\/\/[^:]+:|^ready )(\d+)/)?.[1] ?? 0);
  await Bun.sleep(1000);
  const rss0 = rssKB(server.pid);
  const clients = Bun.spawn(['bun', 'test/bench/fanout-clients.ts', 'sse', String(port), String(N), credential, '1', String(600_000)], { stdout: 'pipe', stderr: 'inherit' });
  children.add(clients);
  const ready = await (await lines(clients))();
  if (!ready.startsWith('ready')) throw new Error(`clients: ${ready}`);
  await Bun.sleep(1500);
  const rss1 = rssKB(server.pid);
  const keyWrites = async () => Number((await sql`select n_tup_upd from pg_stat_user_tables where relname = 'api_keys'`)[0].n_tup_upd);
  await Bun.sleep(SETTLE_MS);
  const rss2 = rssKB(server.pid);
  // The idle load proper: transactions only (the bench's own two reads subtracted), no sampling.
  const a0 = await xacts(sql);
  const k0 = await keyWrites();
  const s0 = await instanceStatements(port);
  const ta = Date.now();
  await Bun.sleep(IDLE_MS);
  const s1 = await instanceStatements(port);
  const idleXacts = (await xacts(sql)) - a0 - 2;
  const idleSecs = (Date.now() - ta) / 1000;
  // Its second scrape's own read is one of them.
  const idleStatements = (s1 - s0 - 1) / idleSecs;
  console.log(`api_keys rows updated during connection setup: ${k0}; while idle: ${(await keyWrites()) - k0}`);
  const t0 = Date.now();
  const seen = await statementsDuring(sql, IDLE_MS);
  const secs = (Date.now() - t0) / 1000;
  console.log(`${N} idle ${admin ? 'admin' : 'API'} streams: ${((rss1 - rss0) / N).toFixed(2)} KB/stream at open, ${((rss2 - rss0) / N).toFixed(2)} KB/stream after ${SETTLE_MS} ms; ` +
    `${(idleXacts / idleSecs).toFixed(2)} transactions/s idle in the database and ${idleStatements.toFixed(2)} statements/s sent by the instance over ${idleSecs.toFixed(0)} s; statements seen in a further ${secs.toFixed(0)} s (sampled):`);
  for (const [q, n] of [...seen].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${q}`);
} finally {
  for (const c of children) c.kill();
  await sql.end({ timeout: 1 });
  await pg.stop();
}
process.exit(0);
