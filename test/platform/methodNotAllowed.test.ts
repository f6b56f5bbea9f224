import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { footprint } from '../support/fixtures.ts';
import { allowedMethods } from '../../src/platform/methodNotAllowed.ts';

// A wrong verb on a path the API serves says so (405 with Allow), with or without a key; a path it
// does not serve stays 404.

const t = await testApp();

describe('405 method not allowed', () => {
  test('PUT on /api/v1/settings is 405 problem+json with Allow naming GET, HEAD and PATCH, and changes nothing', async () => {
    const before = await footprint(t.sql);
    const r = await t.a.call('PUT', '/api/v1/settings', { name: 'x' });
    expect(r.status).toBe(405);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(r.body).toMatchObject({ status: 405, code: 'method_not_allowed', allow: ['GET', 'HEAD', 'PATCH'] });
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('a path with a parameter is matched: DELETE /api/v1/customers/{id} is 405 with Allow GET, HEAD, PATCH', async () => {
    const r = await t.a.call('DELETE', `/api/v1/customers/${crypto.randomUUID()}`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toContain('GET');
    expect(r.headers.get('allow')).not.toContain('DELETE');
  });

  test('a wrong verb is 405 even without a key (the route table is public: it is /openapi.json)', async () => {
    const r = await t.anon.call('DELETE', '/api/v1/orders');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  test('the right verb still needs a key, and an unknown path is still 404 not_found', async () => {
    expect((await t.anon.get('/api/v1/orders')).status).toBe(401);
    const r = await t.a.call('GET', '/api/v1/no-such-thing');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
    expect(r.headers.get('allow')).toBeNull();
  });

  test('every operation in /openapi.json is allowed by the Allow its path would send', async () => {
    const doc = (await t.anon.get('/openapi.json')).body;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
      const concrete = path.replace(/\{[^}]+\}/g, crypto.randomUUID());
      const r = await t.a.call('TRACE', concrete);
      expect({ path, status: r.status }).toEqual({ path, status: 405 });
      for (const method of Object.keys(ops)) expect(r.headers.get('allow')!.split(', ')).toContain(method.toUpperCase());
    }
  });

  test("the guard's one-regex check answers as the Allow list does, for every operation, HEAD and a verb no route has", async () => {
    const allowed = allowedMethods(t.app.routes);
    const doc = (await t.anon.get('/openapi.json')).body;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
      const concrete = path.replace(/\{[^}]+\}/g, crypto.randomUUID());
      const list = allowed(concrete);
      expect({ path, methods: list.length > 0 }).toEqual({ path, methods: true });
      for (const method of ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'TRACE', ...Object.keys(ops).map((m) => m.toUpperCase())]) {
        expect({ path, method, serves: allowed.serves(method, concrete) }).toEqual({ path, method, serves: list.includes(method) });
      }
    }
    expect(allowed.serves('GET', '/api/v1/no-such-thing')).toBe(false);
    expect(allowed.serves('GET', '/api/v1/customers/x/y/z')).toBe(false);
  });
});
