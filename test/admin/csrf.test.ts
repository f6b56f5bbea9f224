import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const john = (await t.a.post('/api/v1/customers', { phone: '+447306506797', name: 'John Doe' })).body;

const ledgerCount = async () => (await t.sql`select count(*)::int as n from ledger where customer_id = ${john.id}`)[0].n;

describe('CSRF on every state-changing request', () => {
  test('an htmx POST without the token is refused with 403 and changes nothing', async () => {
    const res = await owner.post(`/customers/${john.id}/points/add`, { points: '10' }, { 'x-csrf-token': '' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('expired or came from another site');
    expect(await ledgerCount()).toBe(0);
  });

  test('a plain form POST with a wrong _csrf field is refused', async () => {
    const res = await t.app.request(`/alpha/admin/customers/${john.id}/points/add`, {
      method: 'POST', headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ points: '10', _csrf: 'x'.repeat(43) }),
    });
    expect(res.status).toBe(403);
    expect(await ledgerCount()).toBe(0);
  });

  test('the right token from a cross-site page is still refused (Origin, Sec-Fetch-Site)', async () => {
    const a = await owner.post(`/customers/${john.id}/points/add`, { points: '10' }, { origin: 'https://evil.example' });
    expect(a.status).toBe(403);
    const b = await owner.post(`/customers/${john.id}/points/add`, { points: '10' }, { 'sec-fetch-site': 'cross-site' });
    expect(b.status).toBe(403);
    expect(await ledgerCount()).toBe(0);
  });

  test('the right token as a form field or header from our own origin is accepted', async () => {
    const viaHeader = await owner.post(`/customers/${john.id}/points/add`, { points: '10' }, { origin: 'http://localhost', host: 'localhost' });
    expect(viaHeader.status).toBe(200);
    const viaField = await t.app.request(`/alpha/admin/customers/${john.id}/points/add`, {
      method: 'POST', headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ points: '5', _csrf: owner.csrf }),
    });
    expect(viaField.status).toBe(200);
    expect(await ledgerCount()).toBe(2);
  });

  test('logout needs the token too (no forced sign-out from another site)', async () => {
    const res = await owner.post('/logout', {}, { 'x-csrf-token': 'nope' });
    expect(res.status).toBe(403);
    expect((await owner.get('/customers')).status).toBe(200);
  });

  test('cookie-authenticated JSON on /api/v1: reads work, writes need X-CSRF-Token', async () => {
    const read = await t.app.request(`/api/v1/customers/${john.id}`, { headers: { cookie: owner.cookie } });
    expect(read.status).toBe(200);
    const before = (await read.json()).pointsBalance;
    const refused = await t.app.request(`/api/v1/customers/${john.id}/points/add`, {
      method: 'POST', headers: { cookie: owner.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ points: 7 }),
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe('csrf_failed');
    const ok = await t.app.request(`/api/v1/customers/${john.id}/points/add`, {
      method: 'POST', headers: { cookie: owner.cookie, 'content-type': 'application/json', 'x-csrf-token': owner.csrf },
      body: JSON.stringify({ points: 7 }),
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).customer.pointsBalance).toBe(before + 7);
    const [row] = await t.sql`select actor from ledger where customer_id = ${john.id} and points = 7`;
    expect(row.actor).toMatch(/^admin:/);
  });

  test('an API key request is unaffected by a stray session cookie', async () => {
    const res = await t.app.request(`/api/v1/customers/${john.id}/points/add`, {
      method: 'POST', headers: { authorization: `Bearer ${t.keyA}`, cookie: owner.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ points: 1 }),
    });
    expect(res.status).toBe(200);
  });
});
