import { afterAll, describe, expect, test } from 'bun:test';
import { createApp } from '../../src/app.ts';
import { defaultConfig } from '../../src/platform/config.ts';
import { connect } from '../../src/platform/database.ts';
import { testApp } from '../support/app.ts';
import { serve, until } from '../support/stream.ts';

// An export is one statement however long it streams, so it has its own bound (EXPORT_STATEMENT_TIMEOUT_MS,
// SET LOCAL in its own transaction) rather than the pool's DB_STATEMENT_TIMEOUT_MS, and a client that
// goes away gives its connection back at once. The app here runs on a pool of ONE connection whose
// statements are cut at 300 ms, as in production's startup setting: anything still holding it blocks
// the next request, and anything bound by the short timeout fails.

const t = await testApp();
const ROWS = 5_000; // five cursor batches
await t.sql`insert into customers (tenant_id, phone, name)
  select ${t.tenantA.id}, '+4475' || lpad(i::text, 8, '0'), 'Customer ' || i from generate_series(1, ${ROWS}) i`;
// Three customers with points, so the whole-ledger export has rows.
const earners = await t.sql`select id from customers where tenant_id = ${t.tenantA.id} order by seq limit 3`;
for (const { id } of earners) expect((await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 10 })).status).toBe(200);

const config = defaultConfig({ DB_STATEMENT_TIMEOUT_MS: 300, EXPORT_STATEMENT_TIMEOUT_MS: 60_000 });
const one = connect(t.url, 1, { connectMs: 5000, statementMs: config.DB_STATEMENT_TIMEOUT_MS });
afterAll(() => one.end({ timeout: 1 }));
const app = createApp({ sql: one, config, hub: t.hub });
const base = serve(app);
/**
 * The same app, but a CSV body sends its first chunk and then waits, as a server does whose socket is
 * full because the client stopped reading: Bun's fetch client reads ahead without bound, so on loopback
 * a real export would often be sent whole before the client could leave. Cancelling passes through.
 */
const stalled = serve({
  fetch: async (req: Request) => {
    const res = await app.fetch(req);
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/csv')) return res;
    const inner = res.body.getReader();
    let sent = false;
    let stop: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) { sent = true; const { value } = await inner.read(); controller.enqueue(value!); return; }
        await new Promise<void>((resolve) => { stop = resolve; });
      },
      async cancel(reason) { stop(); await inner.cancel(reason); },
    }, { highWaterMark: 0 });
    return new Response(body, { status: res.status, headers: res.headers });
  },
});
const auth = { authorization: `Bearer ${t.keyA}` };

/** Backends of this database still inside the customer export's query, in a transaction or running. */
const inExport = async () => (await t.sql`select count(*)::int as n from pg_stat_activity
  where datname = current_database() and pid <> pg_backend_pid()
    and query like '%as "totalPointsRedeemed"%' and state <> 'idle'`)[0].n as number;

describe('an export and its statement timeout', () => {
  test('an export waits past DB_STATEMENT_TIMEOUT_MS and answers whole; the pool keeps the short bound', async () => {
    // A lock wait counts towards statement_timeout: with the ledger locked for several times the pool's
    // bound, the export's statement lives only if its own, longer bound applies.
    const holder = await t.sql.reserve();
    await holder`begin`;
    await holder`lock table ledger in access exclusive mode`;
    const pending = fetch(`${base}/api/v1/ledger?from=2000-01-01&to=2100-01-01`, { headers: auth });
    await until(async () => (await t.sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query like '%from ledger l%'`)[0].n === 1, 'the export waits for the lock');
    await Bun.sleep(4 * config.DB_STATEMENT_TIMEOUT_MS);
    await holder`rollback`;
    holder.release();
    const res = await pending;
    const lines = (await res.text()).split('\r\n');
    expect({ status: res.status, rows: lines.length - 2, last: lines.at(-1), type: res.headers.get('content-type') })
      .toEqual({ status: 200, rows: 3, last: '', type: 'text/csv; charset=utf-8' });
    // SET LOCAL ended with the export's transaction: the one connection is back at the short bound.
    expect((await one`show statement_timeout`)[0].statement_timeout).toBe('300ms');
  }, 30_000);

  test('a client that disconnects mid-export frees the connection: the next request on the one-connection pool answers', async () => {
    const abort = new AbortController();
    const res = await fetch(`${stalled}/api/v1/customers?format=csv`, { headers: auth, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect(await inExport()).toBe(1);
    abort.abort();
    // No time bound but the test's: the server learns of the close, ends the cursor and the transaction.
    await until(async () => (await inExport()) === 0, 'the export left its transaction', 20_000);
    const next = await fetch(`${base}/api/v1/customers?limit=1`, { headers: auth });
    expect(next.status).toBe(200);
    expect((await next.json()).data).toHaveLength(1);
  }, 30_000);
});
