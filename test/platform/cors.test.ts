import { describe, expect, test } from 'bun:test';
import { CORS_EXPOSE_HEADERS } from '../../src/platform/cors.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { testApp } from '../support/app.ts';
import { enrol, footprint } from '../support/fixtures.ts';

// Browser POS: a per-tenant allow-list of origins (settings corsOrigins). The preflight carries no
// key: answered before auth for an origin on any tenant's list. The real request's answer is readable
// (Access-Control-Allow-Origin) only from an origin on its key's tenant's list.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const TILL = 'https://till.alpha.example';
const OTHER = 'https://till.bravo.example';
const STRANGER = 'https://evil.example';
const originsOf = async (tenantId: string) => (await t.sql`select cors_origins from tenants where id = ${tenantId}`)[0]!.cors_origins as string[];

const preflight = (path: string, origin: string, method = 'POST') =>
  t.app.request(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type, idempotency-key' } });

describe('the corsOrigins setting', () => {
  test('is [] by default, replaced whole by a PATCH, and carried in settings_updated', async () => {
    expect((await t.a.get('/api/v1/settings')).body.corsOrigins).toEqual([]);
    const r = await t.a.patch('/api/v1/settings', { corsOrigins: [TILL, 'http://localhost:5173'] });
    expect(r.status).toBe(200);
    expect(r.body.corsOrigins).toEqual([TILL, 'http://localhost:5173']);
    expect(await originsOf(t.tenantA.id)).toEqual([TILL, 'http://localhost:5173']);
    const [event] = await t.sql`select data from events where tenant_id = ${t.tenantA.id} and type = 'settings_updated' order by id desc limit 1`;
    expect(event!.data.corsOrigins).toEqual([TILL, 'http://localhost:5173']);
    expect((await t.a.patch('/api/v1/settings', { corsOrigins: [TILL] })).body.corsOrigins).toEqual([TILL]);
    expect((await t.b.patch('/api/v1/settings', { corsOrigins: [OTHER] })).status).toBe(200);
  });

  test('anything but exact http(s) origins is refused with 400 and nothing changes', async () => {
    const before = await footprint(t.sql);
    const bad = [['*'], ['null'], [`${TILL}/`], [`${TILL}/pos`], ['https://Till.Alpha.example'], ['ftp://till.example'], ['till.example'],
      [`${TILL}?x=1`], [TILL, TILL], Array.from({ length: 21 }, (_, i) => `https://t${i}.example`), 'https://x.example', [42]];
    for (const corsOrigins of bad) {
      const r = await t.a.patch('/api/v1/settings', { corsOrigins });
      expect({ corsOrigins, status: r.status, code: r.body.code }).toEqual({ corsOrigins, status: 400, code: 'validation_failed' });
      expect(r.body.errors[0].path).toStartWith('corsOrigins');
    }
    expect(await footprint(t.sql)).toEqual(before);
    expect(await originsOf(t.tenantA.id)).toEqual([TILL]);
  });

  test("the admin Settings form edits the list, one origin a line, and refuses a bad one with the API's words", async () => {
    const saved = await owner.post('/settings', { corsOrigins: `${TILL}\r\n\r\nhttp://localhost:5173\r\n` });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('http://localhost:5173');
    expect(await originsOf(t.tenantA.id)).toEqual([TILL, 'http://localhost:5173']);
    const page = await (await owner.get('/settings')).text();
    expect(page).toContain('name="corsOrigins"');
    const refused = await owner.post('/settings', { corsOrigins: `${TILL}/pos` });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('no path or trailing slash');
    expect(await originsOf(t.tenantA.id)).toEqual([TILL, 'http://localhost:5173']);
    // A form without the field leaves the list alone.
    expect((await owner.post('/settings', { name: 'Alpha Diner' })).status).toBe(200);
    expect(await originsOf(t.tenantA.id)).toEqual([TILL, 'http://localhost:5173']);
  });
});

describe('CORS preflight, before auth', () => {
  test("an origin on a tenant's list gets 204 with the path's methods, the headers a till sends and a max age", async () => {
    const r = await preflight('/api/v1/loyalty/earn', TILL);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(TILL);
    expect(r.headers.get('access-control-allow-methods')).toBe('POST');
    const allowHeaders = r.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'if-match', 'last-event-id']) expect(allowHeaders).toContain(h);
    expect(Number(r.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(r.headers.get('vary')).toContain('Origin');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    const customer = await preflight(`/api/v1/customers/${crypto.randomUUID()}`, TILL, 'PATCH');
    expect(customer.headers.get('access-control-allow-methods')).toBe('GET, PATCH');
  });

  test('an origin on no list, a malformed origin, or an unknown path gets no allow headers', async () => {
    for (const [path, origin] of [['/api/v1/loyalty/earn', STRANGER], ['/api/v1/loyalty/earn', `${TILL}/`], ['/api/v1/nothing-here', TILL]]) {
      const r = await preflight(path!, origin!);
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-methods')).toBeNull();
    }
  });
});

describe('CORS on the real request', () => {
  test("the key's tenant's origin may read the answer, and the headers a till needs are exposed", async () => {
    const r = await t.a.post('/api/v1/customers', { phone: '+447306600001' }, { origin: TILL, 'idempotency-key': 'cors-1' });
    expect(r.status).toBe(201);
    expect(r.headers.get('access-control-allow-origin')).toBe(TILL);
    const exposed = r.headers.get('access-control-expose-headers')!;
    for (const h of ['ETag', 'Idempotent-Replayed', 'Retry-After', 'Location']) expect(exposed).toContain(h);
    expect(exposed.split(', ')).toEqual(CORS_EXPOSE_HEADERS);
    expect(r.headers.get('vary')).toContain('Origin');
    const replay = await t.a.post('/api/v1/customers', { phone: '+447306600001' }, { origin: TILL, 'idempotency-key': 'cors-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('access-control-allow-origin')).toBe(TILL);
  });

  test("another tenant's origin, or one on no list, gets no Access-Control-Allow-Origin (the browser hides the answer)", async () => {
    for (const origin of [OTHER, STRANGER]) {
      const r = await t.a.get('/api/v1/settings', { origin });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('vary')).toContain('Origin');
    }
    expect((await t.b.get('/api/v1/settings', { origin: OTHER })).headers.get('access-control-allow-origin')).toBe(OTHER);
  });

  test('a refusal is readable too: 409 problem+json for the tenant\'s origin; 401 and 405 (no tenant) for an origin on any list', async () => {
    const c = await enrol(t.a, '+447306600002', 5);
    const refused = await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 50 }, { origin: TILL });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('access-control-allow-origin')).toBe(TILL);
    const noKey = await t.anon.get('/api/v1/settings', { origin: TILL });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('access-control-allow-origin')).toBe(TILL);
    expect(noKey.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect((await t.anon.get('/api/v1/settings', { origin: STRANGER })).headers.get('access-control-allow-origin')).toBeNull();
    const wrongVerb = await t.anon.call('PUT', '/api/v1/settings', {}, { origin: OTHER });
    expect(wrongVerb.status).toBe(405);
    expect(wrongVerb.headers.get('access-control-allow-origin')).toBe(OTHER);
  });

  test('the event stream (SSE) carries the headers too', async () => {
    const res = await t.app.request('/api/v1/events/stream', { headers: { authorization: `Bearer ${t.keyA}`, origin: TILL } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('access-control-allow-origin')).toBe(TILL);
    await res.body!.cancel();
  });

  test('a same-origin request (the admin pages) gets no CORS headers, even when its origin is listed', async () => {
    // app.request() serves http://localhost: the request's own origin.
    expect((await t.a.patch('/api/v1/settings', { corsOrigins: [TILL, 'http://localhost'] })).status).toBe(200);
    const r = await t.a.get('/api/v1/settings', { origin: 'http://localhost' });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});
