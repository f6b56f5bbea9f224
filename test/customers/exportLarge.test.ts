import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { expectInvariants } from '../support/fixtures.ts';

// A large export streams: 50,000 customers (seeded in SQL, no ledger, so every invariant still holds)
// come out through a cursor in batches, and the server's memory does not grow with the row count. The
// bound is loose on purpose (RSS is noisy on a shared machine): holding the rows would cost far more.

const t = await testApp();
const ROWS = 50_000;
await t.sql`insert into customers (tenant_id, phone, name, email)
  select ${t.tenantA.id}, '+4475' || lpad(i::text, 8, '0'), 'Customer, number ' || i || ' "quoted"', 'c' || i || '@example.test'
  from generate_series(1, ${ROWS}) i`;
await t.sql`insert into customers (tenant_id, phone, name) values (${t.tenantB.id}, '+447306509999', 'Bravo Secret')`;

const mb = (n: number) => Math.round(n / 1e6);

describe('a 50,000-row export', () => {
  test('streams every row of the tenant, none of another, with memory that does not grow with the rows', async () => {
    Bun.gc(true);
    const before = process.memoryUsage().rss;
    let peak = before;
    const res = await t.app.request('/api/v1/customers?format=csv', { headers: { authorization: `Bearer ${t.keyA}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let lines = 0;
    let chunks = 0;
    let leaked = false;
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      const text = tail + decoder.decode(value, { stream: true });
      // A quoted name holds a comma but no line break, so CRLF ends a row here.
      const parts = text.split('\r\n');
      tail = parts.pop()!;
      lines += parts.length;
      if (text.includes('Bravo Secret')) leaked = true;
      // Collect first, so the sample is what the export holds, not garbage the collector has yet to reach.
      if (chunks % 10 === 0) {
        Bun.gc(true);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    Bun.gc(true);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(`export of ${ROWS} rows: ${chunks} chunks, RSS ${mb(before)} MB before, peak ${mb(peak)} MB`);
    expect({ lines, tail, leaked }).toEqual({ lines: ROWS + 1, tail: '', leaked: false });
    // One chunk per batch of 1,000 rows (plus the header): the rows were never gathered into one body.
    expect(chunks).toBeGreaterThanOrEqual(ROWS / 1000);
    // The whole CSV is ~5 MB and the rows as objects several times that; a batch is a few hundred KB.
    expect(mb(peak - before)).toBeLessThan(64);
    await expectInvariants(t.sql);
  }, 60_000);

  test('a HEAD of an export answers its headers and leaves no cursor open', async () => {
    const res = await t.app.request('/api/v1/customers?format=csv', { method: 'HEAD', headers: { authorization: `Bearer ${t.keyA}` } });
    expect({ status: res.status, type: res.headers.get('content-type'), body: await res.text() }).toEqual({ status: 200, type: 'text/csv; charset=utf-8', body: '' });
    const open = await t.sql`select count(*)::int as n from pg_stat_activity where datname = current_database()
      and pid <> pg_backend_pid() and query like '%as "totalPointsRedeemed"%' and state <> 'idle'`;
    expect(open[0].n).toBe(0);
  });

  test('a download abandoned part way ends its cursor and frees its connection', async () => {
    const busy = async () => (await t.sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()
        and query like '%as "totalPointsRedeemed"%' and state <> 'idle'`)[0].n as number;
    const res = await t.app.request('/api/v1/customers?format=csv', { headers: { authorization: `Bearer ${t.keyA}` } });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    // The pool's connections all still answer, and none is left inside the export's query.
    const again = await t.app.request('/api/v1/customers?limit=1', { headers: { authorization: `Bearer ${t.keyA}` } });
    expect(again.status).toBe(200);
    // Closing the portal is a round trip of its own: wait for the server to see it (no time limit but the test's).
    while ((await busy()) > 0) await Bun.sleep(20);
    expect(await busy()).toBe(0);
  }, 30_000);
});
