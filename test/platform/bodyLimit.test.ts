import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { serve } from '../support/stream.ts';

// Issue 10, item 8: four 50 MB form posts to the sign-in page, before signing in, were each read into
// memory before being refused. Every route now counts a body before anything parses it.
const LIMIT = 65_536;
const t = await testApp({ BODY_LIMIT_BYTES: LIMIT });
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const FIFTY_MB = 50 * 1024 * 1024;
const CHUNK = 16_384;

/** A lazily generated form body of `total` bytes that records how much of it was ever read. */
function countingBody(total: number) {
  let pulled = 0;
  const chunk = new TextEncoder().encode('email=a'.padEnd(CHUNK, 'a'));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { body, pulled: () => pulled };
}

async function post(path: string, total: number, declareLength: boolean) {
  const { body, pulled } = countingBody(total);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (declareLength) headers['content-length'] = String(total);
  const res = await t.app.request(path, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
  return { res, text: await res.text(), pulled: pulled() };
}

const failures = async () => (await t.sql`select count(*)::int as n from admin_sign_in_failures`)[0].n as number;

describe('every route refuses a body over the limit before parsing it', () => {
  test('a 50 MB sign-in form with its Content-Length is refused with 413 and the admin error page, without reading the body', async () => {
    const r = await post('/alpha/admin/login', FIFTY_MB, true);
    expect(r.res.status).toBe(413);
    expect(r.res.headers.get('content-type')).toContain('text/html');
    expect(r.text).toContain(`Request bodies are limited to ${LIMIT} bytes.`);
    expect(r.pulled).toBe(0);
    expect(await failures()).toBe(0);
  });

  test('a 50 MB chunked sign-in form without a Content-Length is refused at the limit, having read no more than the limit and one chunk', async () => {
    const r = await post('/alpha/admin/login', FIFTY_MB, false);
    expect(r.res.status).toBe(413);
    expect(r.res.headers.get('content-type')).toContain('text/html');
    expect(r.pulled).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
    expect(await failures()).toBe(0);
  });

  test('an admin form, an unknown path and the API all refuse, whether or not the length is declared: the API with problem+json, the rest with HTML', async () => {
    for (const [path, type] of [
      ['/alpha/admin/customers', 'text/html'],
      ['/nowhere', 'text/html'],
      ['/api/v1/customers', 'application/problem+json'],
    ] as const) {
      for (const declareLength of [true, false]) {
        const r = await post(path, FIFTY_MB, declareLength);
        expect({ path, declareLength, status: r.res.status, type: r.res.headers.get('content-type') })
          .toMatchObject({ status: 413, type: expect.stringContaining(type) });
        expect(r.pulled).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
      }
    }
    const api = await post('/api/v1/customers', FIFTY_MB, true);
    expect(JSON.parse(api.text)).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  test('a sign-in form within the limit still reaches the sign-in page', async () => {
    const res = await t.app.request('/alpha/admin/login', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40b.test&password=x',
    });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  test('over a real socket, a declared 50 MB sign-in post is answered 413 after the server has read only the headers', async () => {
    const url = new URL(serve(t.app));
    const answer = await new Promise<string>((resolve, reject) => {
      let got = '';
      Bun.connect({
        hostname: url.hostname, port: Number(url.port),
        socket: {
          open(s) {
            s.write(`POST /alpha/admin/login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n`
              + `Content-Length: ${FIFTY_MB}\r\n\r\nemail=`);
          },
          data(s, d) { got += d.toString(); if (got.includes('\r\n\r\n')) { resolve(got); s.end(); } },
          close() { resolve(got); },
          error(_s, e) { reject(e); },
        },
      }).catch(reject);
    });
    expect(answer).toStartWith('HTTP/1.1 413');
  }, 15_000);
});
