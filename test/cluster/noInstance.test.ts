import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Subprocess } from 'bun';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBLEM_CODES } from '../../src/platform/errors.ts';
import { haproxyConfig } from './haproxyConfig.ts';
import { freePort } from './cluster.ts';

// HAProxy with every server down answers for the service: the same problem+json shape, a code from
// the contract's enum and Retry-After, so a client's one retry rule covers a deploy gone wrong too.
const dir = mkdtempSync(join(tmpdir(), 'tillstream-noinstance-'));
const front = freePort();
let haproxy: Subprocess;

beforeAll(async () => {
  const cfg = join(dir, 'haproxy.cfg');
  // The one server's port is closed: its health check fails, so the backend has no server UP.
  writeFileSync(cfg, haproxyConfig({ port: front, maxconn: 100, servers: [{ name: 'app1', port: freePort() }] }));
  haproxy = Bun.spawn(['haproxy', '-W', '-db', '-f', cfg], { stdout: 'ignore', stderr: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${front}/readyz`).then(() => true, () => false)) return;
    await Bun.sleep(50);
  }
  throw new Error('haproxy did not start');
});

afterAll(async () => {
  haproxy?.kill('SIGTERM');
  await haproxy?.exited;
  rmSync(dir, { recursive: true, force: true });
});

test('with no instance up, the load balancer answers 503 problem+json with Retry-After and a code from the contract', async () => {
  // Retried until the server is marked DOWN (the first check may not have run yet).
  let res = await fetch(`http://127.0.0.1:${front}/api/v1/customers`, { method: 'POST', body: '{}' });
  for (let i = 0; i < 100 && res.status !== 503; i++) {
    await Bun.sleep(50);
    res = await fetch(`http://127.0.0.1:${front}/api/v1/customers`, { method: 'POST', body: '{}' });
  }
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('retry-after')).toBe('1');
  const body = await res.json();
  expect(body).toMatchObject({ status: 503, code: 'service_unavailable', type: 'https://tillstream.dev/problems/service_unavailable' });
  expect(PROBLEM_CODES).toContain(body.code);
});
