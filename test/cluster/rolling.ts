import type { Sql } from '../../src/platform/database.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { createSession } from '../../src/identity/sessions.ts';
import { createAdmin } from '../support/admin.ts';
import { invariants } from '../support/fixtures.ts';
import { writes, type Write } from '../faults/workload.ts';
import { xacts } from '../bench/processes.ts';
import { startCluster } from './cluster.ts';
import { startStreamClients, type ClientSpec, type StreamClients } from './streamClients.ts';

// Issue 16.3, the scenario both the test and `bun run bench:rolling` run: N instances behind HAProxy,
// `streams` clients (half POS keys, half admin sessions) connected through it, a bounded write load,
// and each instance restarted in turn as a deploy would. It returns what happened; callers assert.

export type RollingOptions = {
  sql: Sql; databaseUrl: string; instances?: number; streams: number;
  /**
   * The write load: `writesPerSecond` logical writes, from the first SIGTERM until the last instance
   * is back, at most `writes` of them (each retried on 503 + Retry-After until acknowledged).
   */
  writes: number; writesPerSecond?: number; writers?: number;
  /**
   * Wait this long before each reading of pg_stat_database: idle backends report up to 10 s late, so a
   * bench passes 11,000 to count the storm's transactions exactly; the test does not read them.
   */
  settleMs?: number; env?: Record<string, string>;
  log?: (line: string) => void;
};

export type RollingReport = {
  exitCodes: (number | null)[];
  lost: string[]; duplicated: string[]; failedWrites: string[]; retried503: number;
  refusals: Record<string, number>;
  resumes: number; resumeP50: number; resumeP99: number;
  /** Of a resume, the reconnect itself: from its request to its 200 (the wait for the `retry:` hint excluded). */
  connectP50: number; connectP99: number;
  /** Acknowledged writes' latency (first attempt to 2xx, retries included), over the deploy. */
  writeP50: number; writeP99: number; writeMax: number;
  /** Database transactions per stream opened (bench only: 0 without settleMs). */
  openXactsPerStream: number;
  /** Times HAProxy's health check took each instance out (a restart accounts for one each). */
  checksDown: Record<string, number>;
  /**
   * Transactions the database committed or rolled back from the first SIGTERM until the last instance
   * is back (and the write load has stopped): reconnects, replays, boots and the writes together.
   */
  stormXacts: number; stormSeconds: number; writesSent: number; writesAcked: number; events: number;
  invariants: Record<string, number>;
};

const STREAMS_PER_CREDENTIAL = 40; // under SSE_MAX_STREAMS_PER_KEY (50)

export async function rollingRestart(o: RollingOptions): Promise<RollingReport> {
  const log = o.log ?? (() => {});
  const { sql } = o;
  const slug = `roll${Date.now().toString(36)}`;
  const { tenant, apiKey } = await createTenant(sql, { slug, name: 'Rolling Restart' });
  const posCount = Math.ceil(o.streams / 2);
  const adminCount = o.streams - posCount;
  const keys = [apiKey];
  while (keys.length * STREAMS_PER_CREDENTIAL < posCount) keys.push((await createApiKey(sql, tenant.id, `till ${keys.length}`)).apiKey);
  // One admin per session: the cap counts an admin's streams, however many sessions it has.
  const sessions: string[] = [];
  while (sessions.length * STREAMS_PER_CREDENTIAL < adminCount) {
    const adminId = await createAdmin(sql, tenant.id, `${slug}-${sessions.length}@example.com`, 'correct horse battery');
    sessions.push(await createSession(sql, adminId, tenant.id));
  }

  const cluster = await startCluster({
    instances: o.instances ?? 3, databaseUrl: o.databaseUrl,
    // Spread reconnects over at least 1 s (hub.stop picks each stream's share of a window that grows
    // with the streams it holds, SSE_SHUTDOWN_RESUMES_PER_S); give drains 10 s; stay
    // listening 2.5 s after SIGTERM: HAProxy checks every 1 s and one 503 takes the instance out.
    env: { SSE_RETRY_MS: '1000', SHUTDOWN_GRACE_MS: '10000', SHUTDOWN_DRAIN_MS: '2500', ...o.env },
  });
  let clients: StreamClients | undefined;
  try {
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const customers = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${cluster.base}/api/v1/customers`, { method: 'POST', headers: auth, body: JSON.stringify({ phone: `+4473065${String(80000 + i)}` }) });
      if (res.status !== 201) throw new Error(`enrol: ${res.status} ${await res.text()}`);
      const c = await res.json();
      customers.push({ id: c.id as string, phone: c.phone as string });
      // Enough points that a redeem racing ahead of its customer's adds is never refused.
      const topUp = await fetch(`${cluster.base}/api/v1/customers/${c.id}/points/add`, { method: 'POST', headers: auth, body: JSON.stringify({ points: 10_000 }) });
      if (topUp.status !== 200) throw new Error(`top up: ${topUp.status} ${await topUp.text()}`);
    }
    const [{ seq }] = await sql`select event_seq::int as seq from tenant_counters where tenant_id = ${tenant.id}`;
    const specs: ClientSpec[] = [];
    for (let i = 0; i < o.streams; i++) {
      specs.push(i < posCount
        ? { url: `${cluster.base}/api/v1/events/stream`, headers: { authorization: `Bearer ${keys[i % keys.length]}` }, lastEventId: seq }
        : { url: `${cluster.base}/${slug}/admin/stream`, headers: { cookie: `ts_session=${sessions[i % sessions.length]}` }, lastEventId: seq });
    }
    // What opening a stream costs the database (authentication, the starting point, any replay), with
    // the cluster's idle load (health checks, sweeps; measured just before, over as long) taken off.
    // Only a bench measures it (settleMs > 0): pg_stat_database lags by up to 10 s either side.
    let openXactsPerStream = 0;
    let idle0 = 0, idle1 = 0, idleMs = 0;
    if (o.settleMs) {
      await Bun.sleep(o.settleMs);
      idle0 = await xacts(sql);
      const i0 = performance.now();
      await Bun.sleep(o.settleMs);
      idle1 = await xacts(sql);
      idleMs = performance.now() - i0;
    }
    const open0 = performance.now();
    // The clients run in their own process (streamClients.ts says why); each resumes on its own.
    let progress = '';
    let logged = performance.now();
    clients = startStreamClients(specs, (n, refused) => {
      progress = `${n}/${o.streams} open, ${refused} refusals`;
      if (performance.now() - logged > 5000) { logged = performance.now(); log(`opening: ${progress}`); }
    });
    // Bounded: a stream that never opens fails the run with how far the clients got.
    let timer: Timer | undefined;
    const openBound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`streams did not open: ${progress}`)), 60_000 + o.streams * 20);
    });
    try {
      await Promise.race([clients.opened, openBound]);
    } finally {
      clearTimeout(timer);
    }
    log(`${o.streams} streams open through HAProxy at ${cluster.base}`);

    // The write load: a fixed list, `writers` at a time, each write retried while the answer is a 503
    // with Retry-After (from the service or HAProxy). Anything else is a failed write.
    const list = writes(slug, o.writes, customers);
    const failedWrites: string[] = [];
    let retried503 = 0;
    /** Each acknowledged write's time from its first attempt to its 2xx, retries included. */
    const writeMs: number[] = [];
    let next = 0;
    let deployed = false;
    const pace = 1000 / (o.writesPerSecond ?? 20);
    let started = 0;
    const writer = async () => {
      while (next < list.length && !deployed) {
        // Bounded: a steady rate across the deploy, not a flood.
        const wait = started + next * pace - performance.now();
        if (wait > 0) { await Bun.sleep(wait); if (deployed) break; }
        const w: Write = list[next++];
        const sentAt = performance.now();
        for (let attempt = 0; !w.acked && attempt < 100; attempt++) {
          let res: Response;
          try {
            res = await fetch(cluster.base + w.path, {
              method: 'POST', headers: { ...auth, 'idempotency-key': w.key }, body: JSON.stringify(w.body), signal: AbortSignal.timeout(20_000),
            });
          } catch (err) {
            failedWrites.push(`${w.tag}: ${(err as Error).name} ${(err as Error).message}`);
            break;
          }
          const body = await res.text();
          if (res.ok) { w.acked = true; writeMs.push(performance.now() - sentAt); break; }
          const after = res.headers.get('retry-after');
          if (res.status === 503 && after && /^\d+$/.test(after)) {
            retried503++;
            await Bun.sleep(Math.random() * Number(after) * 1000);
            continue;
          }
          failedWrites.push(`${w.tag}: ${res.status} ${body.slice(0, 120)}`);
          break;
        }
      }
    };
    await Bun.sleep(o.settleMs ?? 0);
    const x0 = await xacts(sql);
    if (o.settleMs) {
      const idlePerMs = (idle1 - idle0) / idleMs;
      openXactsPerStream = (x0 - idle1 - idlePerMs * (performance.now() - open0)) / o.streams;
      log(`opening ${o.streams} streams: ${x0 - idle1} transactions, ${openXactsPerStream.toFixed(2)} per stream after ${(idlePerMs * 1000).toFixed(1)}/s of idle load`);
    }
    const t0 = performance.now();
    started = performance.now();
    const load = Promise.all(Array.from({ length: o.writers ?? 4 }, writer));
    const exitCodes: (number | null)[] = [];
    for (let i = 0; i < cluster.instances.length; i++) {
      const { exitCode } = await cluster.restart(i);
      exitCodes.push(exitCode);
      log(`restarted ${cluster.instances[i].name} (exit ${exitCode})`);
    }
    const stormSeconds = (performance.now() - t0) / 1000;
    deployed = true;
    await load;
    await Bun.sleep(o.settleMs ?? 0);
    const stormXacts = (await xacts(sql)) - x0;
    log(`writes done: ${list.filter((w) => w.acked).length} acked, ${failedWrites.length} failed`);

    // Every client must catch up to the outbox: the clients wait (bounded) until each has every id.
    const rows = await sql`select id from events where tenant_id = ${tenant.id} and id > ${seq} order by id`;
    const expected = rows.map((r) => Number(r.id));
    const summaries = await clients.report(expected, 30_000);
    const refusals: Record<string, number> = {};
    for (const c of summaries) for (const r of c.refusals) refusals[r] = (refusals[r] ?? 0) + 1;
    log(`refusals: ${JSON.stringify(refusals)}`);
    log(`caught up: ${summaries.filter((c) => c.missing === 0).length}/${summaries.length} of ${expected.length} events`);

    const lost: string[] = [];
    const duplicated: string[] = [];
    summaries.forEach((c, i) => {
      if (c.missing) lost.push(`client ${i}: ${c.missing} missing, first ${c.firstMissing}`);
      if (c.duplicates) duplicated.push(`client ${i}: ${c.duplicates} twice, first ${c.firstDuplicate}`);
    });
    const resumes = summaries.flatMap((c) => c.resumeMs).sort((a, b) => a - b);
    const connects = summaries.flatMap((c) => c.connectMs).sort((a, b) => a - b);
    const sorted = [...writeMs].sort((a, b) => a - b);
    const pct = (list: number[], p: number) => list.length ? Math.round(list[Math.min(list.length - 1, Math.floor(p * list.length))]) : 0;
    return {
      exitCodes, lost, duplicated, failedWrites, retried503, refusals,
      resumes: resumes.length, resumeP50: pct(resumes, 0.5), resumeP99: pct(resumes, 0.99),
      connectP50: pct(connects, 0.5), connectP99: pct(connects, 0.99),
      writeP50: pct(sorted, 0.5), writeP99: pct(sorted, 0.99), writeMax: Math.round(sorted.at(-1) ?? 0),
      openXactsPerStream, checksDown: await cluster.checksDown(),
      stormXacts, stormSeconds, writesSent: next, writesAcked: list.filter((w) => w.acked).length, events: expected.length,
      invariants: await invariants(sql),
    };
  } finally {
    await clients?.close();
    await cluster.stop();
  }
}
