import { describe, expect, spyOn, test } from 'bun:test';
import { createApp } from '../../src/app.ts';
import { defaultConfig } from '../../src/platform/config.ts';
import { connect } from '../../src/platform/database.ts';
import { Hub } from '../../src/realtime/hub.ts';

// Both doors with no database at all: a pool pointed at a port nothing listens on (taken, then freed).
const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
const deadPort = probe.port;
probe.stop(true);
const config = defaultConfig({ DB_CONNECT_TIMEOUT_MS: 500, DB_STATEMENT_TIMEOUT_MS: 1000 });
const sql = connect(`postgres://postgres:postgres@127.0.0.1:${deadPort}/none`, 2,
  { connectMs: config.DB_CONNECT_TIMEOUT_MS, statementMs: config.DB_STATEMENT_TIMEOUT_MS });
const app = createApp({ sql, config, hub: new Hub({ sql, config }) }, { listener: () => false });

/** Run `fn` with the console captured: what the service logged while it ran. */
async function logged<T>(fn: () => Promise<T>) {
  const lines: unknown[][] = [];
  const spies = [spyOn(console, 'error'), spyOn(console, 'log')].map((s) => s.mockImplementation((...a: unknown[]) => { lines.push(a); }));
  try {
    return { result: await fn(), lines };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

const bearer = { authorization: 'Bearer tsk_whatever' };

describe('Postgres unreachable', () => {
  test('the API answers 503 database_unavailable with Retry-After as problem+json, reads and writes alike', async () => {
    for (const [method, path] of [['GET', '/api/v1/customers'], ['POST', '/api/v1/customers'], ['GET', '/api/v1/events/stream']]) {
      const res = await app.request(path, {
        method, headers: { ...bearer, 'content-type': 'application/json' }, body: method === 'POST' ? '{"phone":"+447306580001"}' : undefined,
      });
      expect([method, path, res.status]).toEqual([method, path, 503]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('2');
      const body = await res.json();
      expect(body).toMatchObject({ status: 503, code: 'database_unavailable', retryAfterSeconds: 2 });
      expect(JSON.stringify(body)).not.toContain(String(deadPort));
    }
  }, 15_000);

  test('an admin page gets the HTML error page, and an htmx request its fragment, both 503 with Retry-After', async () => {
    const cookie = { cookie: 'ts_session=some-session-token' };
    const page = await app.request('/alpha/admin/dashboard', { headers: cookie });
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('2');
    const html = await page.text();
    expect(html).toStartWith('<!doctype html>');
    expect(html).toContain('The database is unavailable right now; retry shortly.');
    const fragment = await app.request('/alpha/admin/customers', { headers: { ...cookie, 'hx-request': 'true' } });
    expect(fragment.status).toBe(503);
    expect(fragment.headers.get('retry-after')).toBe('2');
    expect(await fragment.text()).toBe('<p class="field-error" role="alert">The database is unavailable right now; retry shortly.</p>');
  }, 15_000);

  test('readiness says 503 and liveness 200', async () => {
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.database).toBe(false);
    expect((await app.request('/healthz')).status).toBe(200);
  }, 15_000);

  test('a burst of failing requests logs a warn line a second, counting the rest, and never a stack trace', async () => {
    // Past the previous tests' lines: one request reports what they left unreported, then the count is 0.
    await Bun.sleep(1100);
    await logged(async () => app.request('/api/v1/customers', { headers: bearer }));
    await Bun.sleep(1100);
    const { result, lines } = await logged(async () => {
      const burst = await Promise.all(Array.from({ length: 20 }, () => app.request('/api/v1/customers', { headers: bearer })));
      await Bun.sleep(1100);
      // One more, a second later: its line reports the burst's requests not reported yet.
      return [...burst, await app.request('/api/v1/customers', { headers: bearer })];
    });
    expect(result.map((r) => r.status)).toEqual(Array(21).fill(503));
    // The message alone (no error object, so no stack), one of the service's warn lines.
    expect(lines.filter((l) => l.length !== 1 || !/^\[tillstream\] warn: GET \/api\/v1\/customers: database unavailable, answered 503: ECONNREFUSED/.test(String(l[0])))).toEqual([]);
    const reported = lines.reduce((n, l) => n + 1 + Number(String(l[0]).match(/\(and (\d+) more since the last line\)/)?.[1] ?? 0), 0);
    expect(reported).toBe(21);
    expect(lines.length).toBeLessThan(21);
  }, 15_000);
});
