import { expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { isPrivateAddress } from '../../src/webhooks/address.ts';
import { deliveryHeaders, verify } from '../../src/webhooks/signature.ts';
import { send } from '../../src/webhooks/send.ts';
import { backoffMs } from '../../src/webhooks/worker.ts';

// The pure parts of delivery: the SSRF address rule, the signature, the backoff, and the bounds of one POST.

test('loopback, private, link-local, shared and reserved addresses are private; public ones are not', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
    expect({ ip, private: isPrivateAddress(ip) }).toEqual({ ip, private: true });
  }
  for (const ip of ['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) {
    expect({ ip, private: isPrivateAddress(ip) }).toEqual({ ip, private: false });
  }
});

test('the signature is hex HMAC-SHA256 of "<timestamp>.<body>" with the secret, as the README verifies it', () => {
  const h = deliveryHeaders('whsec_test', 42, '{"id":"42"}', 1_700_000_000_000);
  expect(h['tillstream-event-id']).toBe('42');
  expect(h['tillstream-timestamp']).toBe('1700000000');
  expect(h['tillstream-signature']).toBe(`v1=${createHmac('sha256', 'whsec_test').update('1700000000.{"id":"42"}').digest('hex')}`);
  expect(verify('whsec_test', '1700000000', '{"id":"42"}', h['tillstream-signature']!)).toBe(true);
  expect(verify('whsec_test', '1700000001', '{"id":"42"}', h['tillstream-signature']!)).toBe(false);
});

test('backoff doubles per failure with jitter in its upper half, capped', () => {
  expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 60_000, 0))).toEqual([500, 1000, 2000, 4000]);
  expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 60_000, 1))).toEqual([1000, 2000, 4000, 8000]);
  expect(backoffMs(30, 1000, 60_000, 1)).toBe(60_000);
});

test('a slow receiver times out, a redirect is not followed, and a huge body is cut at 64 KB with a 1 KB excerpt', async () => {
  const server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === '/slow') { await Bun.sleep(2000); return new Response('late'); }
      if (path === '/redirect') return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } });
      return new Response(new ReadableStream({
        async pull(c) { c.enqueue(new Uint8Array(16 * 1024).fill(120)); await Bun.sleep(1); },
      }));
    },
  });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const opts = { timeoutMs: 300, allowPrivate: true };
    const slow = await send(`${base}/slow`, 's', 1, '{}', opts);
    expect(slow).toMatchObject({ succeeded: false, responseCode: null, error: 'timed out after 300 ms' });
    const redirect = await send(`${base}/redirect`, 's', 1, '{}', opts);
    expect(redirect).toMatchObject({ succeeded: false, responseCode: 302, error: 'redirect to http://169.254.169.254/ not followed' });
    const huge = await send(`${base}/huge`, 's', 1, '{}', { ...opts, timeoutMs: 5000 });
    expect(huge).toMatchObject({ succeeded: true, responseCode: 200, error: null });
    expect(huge.bodyExcerpt).toHaveLength(1024);
    const refused = await send(`${base}/huge`, 's', 1, '{}', { ...opts, allowPrivate: false });
    expect(refused.succeeded).toBe(false);
    expect(refused.error).toContain('resolves to 127.0.0.1');
    // By name too: the check is on what the name resolves to.
    const byName = await send(`http://localhost:${server.port}/huge`, 's', 1, '{}', { ...opts, allowPrivate: false });
    expect(byName.succeeded).toBe(false);
    expect(byName.error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1)/);
  } finally {
    server.stop(true);
  }
});

test("the README's verification snippet accepts a real delivery's headers and refuses a tampered body", async () => {
  const readme = await Bun.file(new URL('../../README.md', import.meta.url)).text();
  const code = /\*\*Verifying a delivery\*\*[^]*?```ts\n([^]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const file = `/tmp/readme-verify-${process.pid}.ts`;
  await Bun.write(file, code!);
  const { verifyTillstream } = await import(file);
  const body = '{"id":"7","type":"customer_created"}';
  const headers = new Headers(deliveryHeaders('whsec_readme', 7, body));
  expect(verifyTillstream('whsec_readme', headers, body)).toBe(true);
  expect(verifyTillstream('whsec_readme', headers, body.replace('7', '8'))).toBe(false);
  expect(verifyTillstream('whsec_other', headers, body)).toBe(false);
  const old = new Headers(deliveryHeaders('whsec_readme', 7, body, Date.now() - 3_600_000));
  expect(verifyTillstream('whsec_readme', old, body)).toBe(false);
});
