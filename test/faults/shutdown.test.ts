import { describe, expect, test } from 'bun:test';
import { freshDatabase } from '../support/db.ts';
import { rawStream, until } from '../support/stream.ts';

// Issue 10, fault 3: SIGTERM (a deploy, a scale-in) stops the service gracefully: the process is the
// real `bun src/main.ts`, each run on a fresh database (so it seeds, and prints, its demo key).
const { sql, url } = await freshDatabase();
const other = await freshDatabase();
const third = await freshDatabase();

async function start(url: string, env: Record<string, string>) {
  const proc = Bun.spawn(['bun', 'src/main.ts'], {
    env: { ...process.env as Record<string, string>, DATABASE_URL: url, PORT: '0', SEED_DEMO: 'true', ...env },
    stdout: 'pipe', stderr: 'pipe',
  });
  let out = '';
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 30_000;
  while (!/API key \(shown once\): (tsk_\S+)/.test(out) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    out += decoder.decode(value);
  }
  // Keep draining stdout so the process never blocks on a full pipe.
  (async () => { for (;;) { const { value, done } = await reader.read(); if (done) return; out += decoder.decode(value); } })();
  const key = out.match(/API key \(shown once\): (tsk_\S+)/)?.[1];
  const port = out.match(/listening on http:\/\/localhost:(\d+)/)?.[1];
  if (!key || !port) throw new Error(`the service did not start:\n${out}\n${await new Response(proc.stderr).text()}`);
  return { proc, key, base: `http://127.0.0.1:${port}`, output: () => out };
}

describe('SIGTERM', () => {
  test('stops accepting, tells streams to reconnect, lets an in-flight write finish, and exits 0', async () => {
    const svc = await start(url, { SHUTDOWN_GRACE_MS: '10000', SSE_RETRY_MS: '3000' });
    const auth = { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' };
    const enrolled = await fetch(`${svc.base}/api/v1/customers`, { method: 'POST', headers: auth, body: JSON.stringify({ phone: '+447306570001' }) });
    expect(enrolled.status).toBe(201);
    const customer = await enrolled.json();
    const stream = await rawStream(`${svc.base}/api/v1/events/stream`, { authorization: `Bearer ${svc.key}` });
    expect(stream.res.status).toBe(200);

    // Hold the customer's row so the write is still in flight when SIGTERM arrives.
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const holder = sql.begin(async (tx) => {
      await tx`select 1 from customers where id = ${customer.id} for update`;
      locked();
      await released;
    });
    await isLocked;
    const write = fetch(`${svc.base}/api/v1/customers/${customer.id}/points/add`, {
      method: 'POST', headers: auth, body: JSON.stringify({ points: 5, reason: 'in flight at SIGTERM' }),
    });
    let waiting = false;
    for (let i = 0; i < 200 && !waiting; i++) {
      const [row] = await sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`;
      waiting = row.n > 0;
      if (!waiting) await Bun.sleep(25);
    }
    expect(waiting).toBe(true);

    svc.proc.kill('SIGTERM');
    await until(() => stream.ended, 'the stream closed by the shutdown');
    // Its last frame tells the client to reconnect (to another instance), within SSE_RETRY_MS: a second
    // retry hint after the one every stream opens with.
    expect(stream.frames.filter((f) => f.retry !== undefined)).toHaveLength(2);
    const last = stream.frames.at(-1)!;
    expect(last.retry).toBeDefined();
    expect(Number(last.retry)).toBeLessThanOrEqual(3000);
    // New connections are refused while the write is still running.
    const late = await fetch(`${svc.base}/healthz`).then((r) => `answered ${r.status}`, () => 'refused');
    expect(late).toBe('refused');

    release();
    await holder;
    const res = await write;
    expect(res.status).toBe(200);
    expect((await res.json()).customer.pointsBalance).toBe(5);
    expect(await svc.proc.exited).toBe(0);
    expect(svc.output()).toContain('SIGTERM: shutting down');
    const [{ n }] = await sql`select count(*)::int as n from ledger where customer_id = ${customer.id} and reason = 'in flight at SIGTERM'`;
    expect(n).toBe(1);
  }, 60_000);

  test('a request still running at the deadline has its connection closed, and the process still exits 0', async () => {
    // A statement timeout far beyond the wait below: what cancels the cut statement must be Postgres
    // noticing its client has gone, not the timeout.
    const svc = await start(other.url, { SHUTDOWN_GRACE_MS: '300', DB_STATEMENT_TIMEOUT_MS: '120000' });
    const auth = { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' };
    const customer = await (await fetch(`${svc.base}/api/v1/customers`, {
      method: 'POST', headers: auth, body: JSON.stringify({ phone: '+447306570002' }),
    })).json();
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const holder = other.sql.begin(async (tx) => {
      await tx`select 1 from customers where id = ${customer.id} for update`;
      locked();
      await released;
    });
    await isLocked;
    const write = fetch(`${svc.base}/api/v1/customers/${customer.id}/points/add`, {
      method: 'POST', headers: auth, body: JSON.stringify({ points: 5, reason: 'cut at the deadline' }),
    }).then((r) => `answered ${r.status}`, () => 'connection closed');
    await Bun.sleep(200);
    svc.proc.kill('SIGTERM');
    expect(await write).toBe('connection closed');
    expect(await svc.proc.exited).toBe(0);
    // The points change is one statement sent alone (no COMMIT for the closed pool to withhold), still
    // waiting on the lock: Postgres notices its client is gone (client_connection_check_interval) and
    // cancels it. Without that it would wait for ever and commit once the lock is released.
    await until(async () => (await other.sql`select count(*)::int as n from pg_stat_activity
      where query like '%points_add(%' and pid <> pg_backend_pid()`)[0].n === 0, 'the cut statement cancelled');
    release();
    await holder;
    // The pool was closed under it: it never committed.
    const [{ n }] = await other.sql`select count(*)::int as n from ledger where customer_id = ${customer.id}`;
    expect(n).toBe(0);
  }, 60_000);
  test('with SHUTDOWN_DRAIN_MS, /readyz answers 503 at once while requests are still served, then the socket closes', async () => {
    const svc = await start(third.url, { SHUTDOWN_DRAIN_MS: '3000' });
    expect((await fetch(`${svc.base}/readyz`)).status).toBe(200);
    svc.proc.kill('SIGTERM');
    // What a load balancer's health check sees: not ready, while the instance still answers.
    await until(async () => (await fetch(`${svc.base}/readyz`)).status === 503, '/readyz answering 503');
    const res = await fetch(`${svc.base}/api/v1/customers`, {
      method: 'POST', headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+447306570003' }),
    });
    expect(res.status).toBe(201);
    expect(await svc.proc.exited).toBe(0);
    const [{ n }] = await third.sql`select count(*)::int as n from customers where phone = '+447306570003'`;
    expect(n).toBe(1);
  }, 60_000);
});
