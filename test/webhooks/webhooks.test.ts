import { expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

// Registering and managing endpoints through the API door (an owner's session); the policy matrix
// (test/identity/policy.test.ts) walks every other caller.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
const owner = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api();
const ownerB = (await signIn(t.app, 'bravo', 'owner@bravo.test', 'owner password')).api();
const [site] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantA.id}, 'Soho', 'SOHO', 'Europe/London') returning id`;
const [siteB] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantB.id}, 'Leeds', 'LDS', 'Europe/London') returning id`;

test('the secret is in the create response only; lists and changes never show it again', async () => {
  const created = await owner.post('/api/v1/webhooks', { url: 'https://example.com/hook', types: ['new_order', 'customer_created'], locations: [site!.id] });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ url: 'https://example.com/hook', types: ['new_order', 'customer_created'], locations: [site!.id], status: 'active', attempts: 0 });
  expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  const [row] = await t.sql`select secret, cursor, tenant_id from webhooks where id = ${created.body.id}`;
  expect(row).toMatchObject({ secret: created.body.secret, tenant_id: t.tenantA.id });
  // It starts at the newest event: it receives what is committed from now on.
  expect(String(row!.cursor)).toBe(created.body.cursor);

  const list = await owner.get('/api/v1/webhooks');
  expect(list.status).toBe(200);
  expect(list.body.data.map((w: any) => w.id)).toContain(created.body.id);
  expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

  const paused = await owner.patch(`/api/v1/webhooks/${created.body.id}`, { status: 'paused', types: null, url: 'https://example.com/other' });
  expect(paused.status).toBe(200);
  expect(paused.body).toMatchObject({ status: 'paused', types: null, url: 'https://example.com/other', locations: [site!.id] });
  expect(paused.body.secret).toBeUndefined();
  expect((await t.sql`select status, types from webhooks where id = ${created.body.id}`)[0]).toEqual({ status: 'paused', types: null });

  expect((await owner.get(`/api/v1/webhooks/${created.body.id}/deliveries`)).body).toEqual({ data: [], nextCursor: null });
  expect((await owner.call('DELETE', `/api/v1/webhooks/${created.body.id}`)).status).toBe(204);
  expect(await t.sql`select 1 from webhooks where id = ${created.body.id}`).toHaveLength(0);
  expect((await owner.call('DELETE', `/api/v1/webhooks/${created.body.id}`)).status).toBe(404);
});

test('unknown event types, other tenants\' locations and URLs that are not http(s) are refused and nothing is stored', async () => {
  const before = await t.sql`select count(*)::int as n from webhooks`;
  for (const body of [
    { url: 'https://example.com/hook', types: ['not_a_type'] },
    { url: 'https://example.com/hook', locations: [siteB!.id] },
    { url: 'ftp://example.com/hook' },
    { url: 'not a url' },
    { url: 'https://example.com/hook', secret: 'mine' },
    {},
  ]) {
    const res = await owner.post('/api/v1/webhooks', body);
    expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'validation_failed' });
  }
  expect(await t.sql`select count(*)::int as n from webhooks`).toEqual(before);
});

test("another tenant's endpoint is 404 on every route and stays as it was", async () => {
  const { body: hook } = await owner.post('/api/v1/webhooks', { url: 'https://example.com/a' });
  const before = await t.sql`select * from webhooks where id = ${hook.id}`;
  expect((await ownerB.patch(`/api/v1/webhooks/${hook.id}`, { status: 'paused' })).status).toBe(404);
  expect((await ownerB.get(`/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
  expect((await ownerB.post(`/api/v1/webhooks/${hook.id}/replay`, { afterEventId: 0 })).status).toBe(404);
  expect((await ownerB.call('DELETE', `/api/v1/webhooks/${hook.id}`)).status).toBe(404);
  expect((await ownerB.get('/api/v1/webhooks')).body.data).toEqual([]);
  expect(await t.sql`select * from webhooks where id = ${hook.id}`).toEqual(before);
});

test('an API key may not manage webhooks (owners only)', async () => {
  const res = await t.a.post('/api/v1/webhooks', { url: 'https://example.com/hook' });
  expect(res.status).toBe(403);
  expect(res.body.detail).toBe('Only an owner can manage webhooks.');
});

test('a create retried with the same Idempotency-Key registers one endpoint and answers with the same secret', async () => {
  const body = { url: 'https://example.com/retried' };
  const first = await owner.post('/api/v1/webhooks', body, { 'idempotency-key': 'create-once' });
  const again = await owner.post('/api/v1/webhooks', body, { 'idempotency-key': 'create-once' });
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body.secret).toBe(first.body.secret);
  expect([...await t.sql`select id from webhooks where url = ${body.url}`]).toEqual([{ id: first.body.id }]);
});
