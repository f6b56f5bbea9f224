import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');

describe('roles', () => {
  test('staff cannot open, create or revoke API keys', async () => {
    expect((await staff.get('/keys')).status).toBe(403);
    const create = await staff.post('/keys', { name: 'sneaky' });
    expect(create.status).toBe(403);
    const [{ id }] = await t.sql`select id from api_keys where tenant_id = ${t.tenantA.id} limit 1`;
    expect((await staff.post(`/keys/${id}/revoke`, {})).status).toBe(403);
    const rows = await t.sql`select name, revoked_at from api_keys where tenant_id = ${t.tenantA.id}`;
    expect(rows.map((r) => r.name)).not.toContain('sneaky');
    expect(rows.every((r) => r.revoked_at === null)).toBe(true);
  });

  test('staff cannot open or change settings', async () => {
    expect((await staff.get('/settings')).status).toBe(403);
    expect((await staff.post('/settings', { pointValueCents: '99' })).status).toBe(403);
    const [row] = await t.sql`select point_value_cents from tenants where id = ${t.tenantA.id}`;
    expect(row.point_value_cents).toBe(1);
  });

  test('staff still run the counter: customers, POS, orders, gift cards, activity', async () => {
    for (const path of ['/customers', '/pos', '/orders', '/gift-cards', '/activity', '/dashboard', '/reconciliation']) {
      expect((await staff.get(path)).status).toBe(200);
    }
    const nav = await (await staff.get('/customers')).text();
    expect(nav).not.toContain('/alpha/admin/keys');
    expect(nav).not.toContain('/alpha/admin/settings');
  });

  test('owners manage keys: a new key is shown once, works, and stops working when revoked', async () => {
    const res = await owner.post('/keys', { name: 'Till 2' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const key = /value="(tsk_[^"]+)"/.exec(html)![1];
    expect(html).toContain('will not be shown again');
    expect((await t.app.request('/api/v1/settings', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const listing = await (await owner.get('/keys')).text();
    expect(listing).toContain('Till 2');
    expect(listing).not.toContain(key);
    const [{ id }] = await t.sql`select id from api_keys where name = 'Till 2'`;
    const revoked = await owner.post(`/keys/${id}/revoke`, {});
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toContain('revoked');
    expect((await t.app.request('/api/v1/settings', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  });

  test('owners change settings through settings_update: validated inline, recorded as an event by the admin', async () => {
    const bad = await owner.post('/settings', { earnPointsPerUnit: 'lots', pointValueCents: '0', defaultCountry: 'XX' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('A number from 0 to 1000');
    expect(badHtml).toContain('A whole number from 1 to 100000');
    expect(badHtml).toContain('two-letter country code');
    const ok = await owner.post('/settings', {
      name: 'Alpha Diner', currency: 'GBP', defaultCountry: 'ie', earnPointsPerUnit: '2.5', earnMinOrderCents: '5.00', pointValueCents: '2',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Settings saved.');
    const [t1] = await t.sql`select default_country, earn_points_per_unit::float8 as e, earn_min_order_cents, point_value_cents from tenants where id = ${t.tenantA.id}`;
    expect(t1).toEqual({ default_country: 'IE', e: 2.5, earn_min_order_cents: 500, point_value_cents: 2 });
    const [ev] = await t.sql`select type, actor from events where tenant_id = ${t.tenantA.id} order by id desc limit 1`;
    expect(ev.type).toBe('settings_updated');
    expect(ev.actor).toMatch(/^admin:/);
  });
});
