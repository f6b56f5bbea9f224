import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn, type AdminClient } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// A password someone else chose (a new admin's generated one, an owner's reset) is one-time: the admin
// who signs in with it reaches nothing but the change-password page until they choose their own, on
// either door (pages redirect there; htmx, form posts, the stream and /api/v1 are 403 password_change_required).

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');

const passwordIn = (html: string) => /class="mono" readonly="?"? value="([^"]+)"/.exec(html)![1];
let n = 0;
async function newStaff() {
  const email = `otp${++n}@alpha.test`;
  const html = await (await owner.post('/team', { email, role: 'staff' })).text();
  const [row] = await t.sql`select id from admins where tenant_id = ${t.tenantA.id} and email = ${email}`;
  return { id: row.id as string, email, password: passwordIn(html) };
}
const flag = async (id: string) => (await t.sql`select password_must_change from admins where id = ${id}`)[0].password_must_change as boolean;
const choose = (a: AdminClient, fields: Record<string, string>) => a.app.request(`/alpha/admin/password`, {
  method: 'POST',
  headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: a.csrf, ...fields }),
});

describe('a one-time password', () => {
  test('a new admin signed in with their generated password reaches only the change-password page, on both doors', async () => {
    const m = await newStaff();
    expect(await flag(m.id)).toBe(true);
    const a = await signIn(t.app, 'alpha', m.email, m.password);
    const { id: customerId } = await enrol(t.a, '+447306516001', 10, 'Pat');

    const dashboard = await a.get('/dashboard');
    expect(dashboard.status).toBe(303);
    expect(dashboard.headers.get('location')).toBe('/alpha/admin/password');
    const pw = await a.get('/password');
    expect(pw.status).toBe(200);
    expect(await pw.text()).toContain('with a one-time password');

    const htmx = await a.get(`/customers/${customerId}`, { 'hx-request': 'true' });
    expect(htmx.status).toBe(403);
    expect(htmx.headers.get('hx-redirect')).toBe('/alpha/admin/password');
    // A plain form post (no HX-Request): refused outright.
    const points = await a.post(`/customers/${customerId}/points/add`, { points: '5' }, { 'hx-request': '' });
    expect(points.status).toBe(403);
    expect((await a.get('/stream')).status).toBe(403);

    const api = a.api();
    for (const res of [await api.get(`/api/v1/customers/${customerId}`), await api.post(`/api/v1/customers/${customerId}/points/add`, { points: 5 })]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('password_change_required');
      expect(res.body.location).toBe('/alpha/admin/password');
    }
    // Nothing changed meanwhile.
    expect((await t.sql`select points_balance from customers where id = ${customerId}`)[0].points_balance).toBe(10);

    // Refusals: wrong current password, too short, mismatched, the one-time password again.
    expect((await choose(a, { current: 'wrong', password: 'my own password', confirm: 'my own password' })).status).toBe(422);
    expect((await choose(a, { current: m.password, password: 'short', confirm: 'short' })).status).toBe(422);
    expect((await choose(a, { current: m.password, password: 'my own password', confirm: 'my own passwerd' })).status).toBe(422);
    const same = await choose(a, { current: m.password, password: m.password, confirm: m.password });
    expect(same.status).toBe(422);
    expect(await same.text()).toContain('different from the current one');
    expect(await flag(m.id)).toBe(true);

    const done = await choose(a, { current: m.password, password: 'my own password', confirm: 'my own password' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/alpha/admin/dashboard');
    expect(await flag(m.id)).toBe(false);
    // The same session now works on both doors; the one-time password no longer signs in.
    expect((await a.get('/dashboard')).status).toBe(200);
    expect((await api.get(`/api/v1/customers/${customerId}`)).status).toBe(200);
    expect(await signIn(t.app, 'alpha', m.email, m.password).then(() => true, () => false)).toBe(false);
    await signIn(t.app, 'alpha', m.email, 'my own password');
    const [event] = await t.sql`select data, actor from events where tenant_id = ${t.tenantA.id} and type = 'admin_updated'
      and data->>'change' = 'password_changed' and data->'admin'->>'id' = ${m.id}`;
    expect(event.actor).toBe(`admin:${m.id}`);
    expect(JSON.stringify(event.data)).not.toContain('my own password');
  }, 60_000);

  test("an owner's reset makes the staff admin's password one-time again; an admin the CLI made chooses their own and is not asked", async () => {
    const m = await newStaff();
    const a = await signIn(t.app, 'alpha', m.email, m.password);
    expect((await choose(a, { current: m.password, password: 'first own password', confirm: 'first own password' })).status).toBe(303);
    const reset = await owner.post(`/team/${m.id}/reset`, {});
    const again = passwordIn(await reset.text());
    expect(await flag(m.id)).toBe(true);
    const b = await signIn(t.app, 'alpha', m.email, again);
    expect((await b.get('/orders')).headers.get('location')).toBe('/alpha/admin/password');
    expect((await b.api().get('/api/v1/customers?limit=1')).body.code).toBe('password_change_required');

    // The owner (made by createAdmin, as the CLI does) was never asked.
    expect((await owner.get('/dashboard')).status).toBe(200);
    // Any admin may change their own password; their other sessions end, this one stays.
    const other = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
    expect((await owner.get('/password')).status).toBe(200);
    expect((await choose(owner, { current: 'owner password', password: 'owner password 2', confirm: 'owner password 2' })).status).toBe(303);
    expect((await owner.get('/dashboard')).status).toBe(200);
    expect((await other.get('/dashboard')).status).toBe(303);
    expect((await other.get('/dashboard')).headers.get('location')).toBe('/alpha/admin/login');
  }, 60_000);
});
