import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { client, testApp, type Api } from '../support/app.ts';
import { createAdmin, signIn, type AdminClient } from '../support/admin.ts';
import { burger, enrol } from '../support/fixtures.ts';

// The header's location picker: what it lists, the pick (a form post, remembered per admin), and what
// the pick drives: the admin's writes and the dashboard (its figures and its "today").

const t = await testApp();

async function site(api: Api, name: string, code: string, timeZone: string) {
  const r = await api.post('/api/v1/locations', { name, code, timeZone });
  expect(r.status).toBe(201);
  return r.body as { id: string };
}

// Kiritimati (UTC+14) and Pago Pago (UTC−11) are 25 hours apart: their dates always differ.
const east = await site(t.a, 'Line Islands', 'EAST', 'Pacific/Kiritimati');
const west = await site(t.a, 'Pago Pago', 'WEST', 'Pacific/Pago_Pago');
const gone = await site(t.a, 'Closed Site', 'GONE', 'Europe/London');
expect((await t.a.patch(`/api/v1/locations/${gone.id}`, { archived: true })).status).toBe(200);

const ownerId = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const staffId = await createAdmin(t.sql, t.tenantA.id, 'west@alpha.test', 'staff password', 'staff');
await t.sql`update admins set location_id = ${west.id} where id = ${staffId}`;
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'west@alpha.test', 'staff password');

const chosen = async (id: string) => (await t.sql`select chosen_location_id from admins where id = ${id}`)[0]!.chosen_location_id;

/** The picker as a plain HTML form posts it: no htmx, the CSRF token in a hidden field, then a redirect. */
function pick(admin: AdminClient, locationId: string, back = `/${admin.slug}/admin/customers`) {
  return admin.app.request(`/${admin.slug}/admin/location`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: admin.csrf, locationId, return: back }),
  });
}

const dashboard = async (admin: AdminClient) => (await admin.get('/dashboard')).text();
const attr = (html: string, name: string) => new RegExp(`id="dashboard"[^>]*?${name}="([^"]*)"`).exec(html)?.[1];
const figure = (html: string, label: string) =>
  Number(new RegExp(`${label}</span><strong>([^<]*)</strong>`).exec(html)?.[1]?.replace(/[^0-9]/g, ''));

describe('the location picker', () => {
  test('a tenant without locations has no picker and its dashboard reads as before', async () => {
    await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'bravo password');
    const bravo = await signIn(t.app, 'bravo', 'owner@bravo.test', 'bravo password');
    const html = await dashboard(bravo);
    expect(html).not.toContain('site-picker');
    expect(html).not.toContain('class="scope"');
    expect(html).toContain('Orders today');
  });

  test("an owner's header lists All locations and every active site, All locations picked", async () => {
    const html = await dashboard(owner);
    const select = /<select id="site-picker"[\s\S]*?<\/select>/.exec(html)![0];
    const options = [...select.matchAll(/<option value="([^"]*)"( selected="")?[^>]*>([^<]*)/g)].map((m) => [m[1], m[3], Boolean(m[2])]);
    expect(options).toEqual([['all', 'All locations', true], [east.id, 'Line Islands', false], [west.id, 'Pago Pago', false]]);
    expect(html).toContain(`action="/alpha/admin/location"`);
    expect(attr(html, 'data-location')).toBe('');
  });

  test("picking a site through the form remembers it, records it on the admin's writes, and the dashboard becomes that site's", async () => {
    const r = await pick(owner, east.id);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/alpha/admin/customers');
    expect(await chosen(ownerId)).toBe(east.id);
    const html = await (await owner.get('/customers')).text();
    expect(html).toMatch(new RegExp(`<option value="${east.id}" selected=""`));

    // An admin write (a page form) and a cookie-authenticated API write both happen at the pick.
    const guest = await enrol(t.a, '+447306590001', 0, 'Picker Guest');
    expect((await owner.post(`/customers/${guest.id}/points/add`, { points: '12', reason: 'At the east site' })).status).toBe(200);
    const viaApi = await owner.api().post(`/api/v1/customers/${guest.id}/points/add`, { points: 3 });
    expect(viaApi.body.transaction.locationId).toBe(east.id);
    const rows = await t.sql`select points, location_id, actor from ledger where customer_id = ${guest.id} order by seq`;
    expect(rows.map((x) => [x.points, x.location_id, x.actor])).toEqual([[12, east.id, `admin:${ownerId}`], [3, east.id, `admin:${ownerId}`]]);

    // The dashboard: that site's figures, and that site's today.
    const [{ eastToday, westToday }] = await t.sql`select to_char(now() at time zone 'Pacific/Kiritimati', 'YYYY-MM-DD') as "eastToday",
      to_char(now() at time zone 'Pacific/Pago_Pago', 'YYYY-MM-DD') as "westToday"`;
    const atEast = await dashboard(owner);
    expect(attr(atEast, 'data-location')).toBe(east.id);
    expect(attr(atEast, 'data-today')).toBe(eastToday);
    expect(atEast).toContain('(Pacific/Kiritimati)');
    expect(figure(atEast, 'Points earned')).toBe(15);

    expect((await pick(owner, west.id)).status).toBe(303);
    const atWest = await dashboard(owner);
    expect(attr(atWest, 'data-today')).toBe(westToday);
    expect(westToday).not.toBe(eastToday);
    expect(figure(atWest, 'Points earned')).toBe(0);
    // The live fragment re-reads the same site.
    expect(attr(await (await owner.get('/dashboard/body')).text(), 'data-location')).toBe(west.id);
  });

  test('All locations is a choice too: the group, with each site’s share of today', async () => {
    const till = await createApiKey(t.sql, t.tenantA.id, 'east till');
    await t.sql`update api_keys set location_id = ${east.id} where id = ${till.id}`;
    expect((await client(t.app, till.apiKey).post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).status).toBe(201);
    const r = await owner.post('/location', { locationId: 'all' });   // the htmx way: the page reloads itself
    expect(r.status).toBe(200);
    expect(r.headers.get('hx-refresh')).toBe('true');
    expect(await chosen(ownerId)).toBeNull();
    const html = await dashboard(owner);
    expect(attr(html, 'data-location')).toBe('');
    expect(html).toContain('<strong>All locations</strong>');
    const rows = [...html.matchAll(/<tr data-location="([^"]*)"><th scope="row">[\s\S]*?<\/th><td class="right">(\d+)<\/td>/g)]
      .map((m) => [m[1], Number(m[2])]);
    // The two sites are a day apart, so the group's day (UTC) may or may not hold the east till's order:
    // the rows always add up to the group's figure above them.
    expect(rows.map((x) => x[0])).toEqual([east.id, west.id, '']);
    expect(rows.reduce((n, x) => n + (x[1] as number), 0)).toBe(figure(html, 'Orders today'));
  });

  test("an archived site, another tenant's site or a made-up id cannot be picked, and the pick is kept", async () => {
    const foreign = await site(t.b, 'Bravo HQ', 'HQ', 'Europe/Paris');
    expect((await pick(owner, west.id)).status).toBe(303);
    for (const [id, status, says] of [[gone.id, 409, 'archived'], [foreign.id, 404, 'not found'], ['not-a-site', 400, 'Pick a location'], ['', 400, 'Pick a location']] as const) {
      const r = await owner.post('/location', { locationId: id });
      expect({ id, status: r.status }).toEqual({ id, status });
      expect(await r.text()).toContain(says);
      expect(await chosen(ownerId)).toBe(west.id);
    }
  });

  test('a staff admin limited to a site sees it in the header, cannot pick another or the group, and writes there', async () => {
    const html = await dashboard(staff);
    expect(html).not.toContain('<select id="site-picker"');
    expect(html).toContain(`data-site="${west.id}">Pago Pago</strong>`);
    expect(attr(html, 'data-location')).toBe(west.id);
    for (const locationId of [east.id, 'all']) {
      const r = await staff.post('/location', { locationId });
      expect({ locationId, status: r.status }).toEqual({ locationId, status: 403 });
      expect(await r.text()).toContain('limited to one location');
    }
    expect(await chosen(staffId)).toBeNull();
    expect((await pick(staff, west.id)).status).toBe(303);
    const guest = await enrol(t.a, '+447306590002', 0);
    const r = await staff.api().post(`/api/v1/customers/${guest.id}/points/add`, { points: 2 });
    expect(r.body.transaction.locationId).toBe(west.id);
  });

  test('the pick needs the CSRF token and goes back only to a page of the back office', async () => {
    const noToken = await owner.app.request('/alpha/admin/location', {
      method: 'POST', headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ locationId: east.id }),
    });
    expect(noToken.status).toBe(403);
    expect(await chosen(ownerId)).toBe(west.id);
    const offsite = await pick(owner, east.id, 'https://evil.example/x');
    expect(offsite.status).toBe(400);
    expect(await chosen(ownerId)).toBe(west.id);
    const elsewhere = await pick(owner, east.id, '/bravo/admin/customers');
    expect(elsewhere.headers.get('location')).toBe('/alpha/admin/dashboard');
    expect(await chosen(ownerId)).toBe(east.id);
    // A field no page sends is refused too.
    const extra = await owner.post('/location', { locationId: west.id, role: 'owner' });
    expect(extra.status).toBe(400);
    expect(await chosen(ownerId)).toBe(east.id);
  });
});
