import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');

const sites = () => t.sql`select id, name, code, time_zone, archived_at is not null as archived from locations
  where tenant_id = ${t.tenantA.id} order by seq`;
const siteByCode = async (code: string) => (await t.sql`select id, name, code, time_zone, archived_at from locations
  where tenant_id = ${t.tenantA.id} and code = ${code}`)[0];

describe('the Locations page (owners)', () => {
  test('an owner adds a site: the form comes back cleared with a success line and the list gains its card', async () => {
    const res = await owner.post('/locations', { name: 'Soho', code: 'soho', timeZone: 'Europe/London' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Soho (SOHO) added.');
    expect(html).toContain('id="location-list" aria-label="Locations" hx-swap-oob="true"');
    const soho = await siteByCode('SOHO');
    expect(soho).toMatchObject({ name: 'Soho', time_zone: 'Europe/London', archived_at: null });
    expect(html).toContain(`id="loc-${soho.id}"`);
    const page = await (await owner.get('/locations')).text();
    expect(page).toContain(`id="loc-${soho.id}"`);
    expect(page).toContain('<datalist id="time-zones">');
  });

  test('bad fields are refused inline, each under its field, as typed, and nothing is written', async () => {
    const before = await sites();
    const res = await owner.post('/locations', { name: '', code: 'x', timeZone: 'Mars/Olympus' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="new-location-name-error" class="field-error" role="alert">A name of 1 to 100 characters');
    expect(html).toContain('id="new-location-code-error" class="field-error" role="alert">A short code of 2 to 12 letters or digits');
    expect(html).toContain('id="new-location-timeZone-error" class="field-error" role="alert">an IANA time zone');
    expect(html).toContain('value="Mars/Olympus"');
    // A zone Intl knows but Postgres does not, and a code in use: the domain's refusals, inline too.
    const tz = await owner.post('/locations', { name: 'Old Pacific', code: 'OLDPAC', timeZone: 'US/Pacific-New' });
    expect(tz.status).toBe(422);
    expect(await tz.text()).toContain('id="new-location-timeZone-error" class="field-error" role="alert">an IANA time zone');
    await owner.post('/locations', { name: 'Camden', code: 'CAMDEN', timeZone: 'Europe/London' });
    const taken = await owner.post('/locations', { name: 'Camden 2', code: 'camden', timeZone: 'Europe/London' });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('id="new-location-code-error" class="field-error" role="alert">Another location already has the code CAMDEN.');
    expect((await sites()).length).toBe(before.length + 1);
  });

  test('renaming, re-coding and moving a site to another zone answers with its card; a refused edit keeps what was typed', async () => {
    await owner.post('/locations', { name: 'Leeds', code: 'LEEDS', timeZone: 'Europe/London' });
    const leeds = await siteByCode('LEEDS');
    const res = await owner.post(`/locations/${leeds.id}`, { name: 'Leeds Central', code: 'leedsc', timeZone: 'Europe/Dublin' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith(`<article id="loc-${leeds.id}"`)).toBe(true);
    expect(html).toContain('Saved.');
    expect(await siteByCode('LEEDSC')).toMatchObject({ id: leeds.id, name: 'Leeds Central', time_zone: 'Europe/Dublin' });
    const bad = await owner.post(`/locations/${leeds.id}`, { name: 'Leeds Central', code: 'SOHO', timeZone: 'Europe/Dublin' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Another location already has the code SOHO.');
    expect(badHtml).toContain(`id="loc-${leeds.id}-code" name="code" autocomplete="off" value="SOHO"`);
    expect((await siteByCode('LEEDSC')).id).toBe(leeds.id);
    const blank = await owner.post(`/locations/${leeds.id}`, { name: '', code: 'LEEDSC', timeZone: 'Europe/Dublin' });
    expect(blank.status).toBe(422);
    expect((await siteByCode('LEEDSC')).name).toBe('Leeds Central');
  });

  test('archiving keeps the site (and its history) and stops new writes; bringing it back lets them in again', async () => {
    await owner.post('/locations', { name: 'Pop-up', code: 'POPUP', timeZone: 'Europe/London' });
    const popup = await siteByCode('POPUP');
    const archived = await owner.post(`/locations/${popup.id}/archive`, {});
    expect(archived.status).toBe(200);
    const html = await archived.text();
    expect(html).toContain('data-archived="1"');
    expect(html).toContain('Bring back');
    expect((await siteByCode('POPUP')).archived_at).not.toBeNull();
    const c = await t.a.post('/api/v1/customers', { phone: '+447306530001' });
    const refused = await t.a.post(`/api/v1/customers/${c.body.id}/points/add`, { points: 5, locationId: popup.id });
    expect(refused.body.code).toBe('location_archived');
    const back = await owner.post(`/locations/${popup.id}/restore`, {});
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('Archive');
    expect((await siteByCode('POPUP')).archived_at).toBeNull();
    expect((await t.a.post(`/api/v1/customers/${c.body.id}/points/add`, { points: 5, locationId: popup.id })).status).toBe(200);
  });

  test("staff get 403 on the page and every form, and see no Locations link; another tenant's site is 404", async () => {
    const before = await sites();
    expect((await staff.get('/locations')).status).toBe(403);
    expect((await staff.post('/locations', { name: 'Sneaky', code: 'SNEAKY', timeZone: 'UTC' })).status).toBe(403);
    const soho = await siteByCode('SOHO');
    expect((await staff.post(`/locations/${soho.id}`, { name: 'Mine', code: 'SOHO', timeZone: 'UTC' })).status).toBe(403);
    expect((await staff.post(`/locations/${soho.id}/archive`, {})).status).toBe(403);
    expect(await sites()).toEqual(before);
    expect(await (await staff.get('/customers')).text()).not.toContain('/alpha/admin/locations');
    expect(await (await owner.get('/customers')).text()).toContain('/alpha/admin/locations');
    const theirs = await t.b.post('/api/v1/locations', { name: 'Bravo HQ', code: 'HQ', timeZone: 'Europe/Paris' });
    expect((await owner.post(`/locations/${theirs.body.id}/archive`, {})).status).toBe(404);
    expect((await owner.post(`/locations/${theirs.body.id}`, { name: 'Mine', code: 'HQ', timeZone: 'UTC' })).status).toBe(404);
    expect((await t.b.get(`/api/v1/locations/${theirs.body.id}`)).body).toMatchObject({ name: 'Bravo HQ', archived: false });
  });
});

describe('API keys bound to a site (the admin page)', () => {
  test('the form offers the active sites; a key made for one is bound to it, shown with its code, and records its writes there', async () => {
    const soho = await siteByCode('SOHO');
    const page = await (await owner.get('/keys')).text();
    expect(page).toContain(`<option value="${soho.id}">Soho (SOHO)</option>`);
    const res = await owner.post('/keys', { name: 'Soho till', locationId: soho.id });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('for Soho (SOHO)');
    const apiKey = /value="(tsk_[^"]+)"/.exec(html)![1];
    const [row] = await t.sql`select id, location_id from api_keys where name = 'Soho till'`;
    expect(row.location_id).toBe(soho.id);
    expect(html).toContain(`<tr id="key-${row.id}" data-location="${soho.id}">`);
    const till = (path: string, body: unknown) => t.app.request(path, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const c = await t.a.post('/api/v1/customers', { phone: '+447306530002' });
    const added = await (await till(`/api/v1/customers/${c.body.id}/points/add`, { points: 9 })).json();
    expect(added.transaction.locationId).toBe(soho.id);
    const [ledger] = await t.sql`select location_id from ledger where id = ${added.transaction.id}`;
    expect(ledger.location_id).toBe(soho.id);
    const camden = await siteByCode('CAMDEN');
    const mismatch = await till(`/api/v1/customers/${c.body.id}/points/add`, { points: 9, locationId: camden.id });
    expect(mismatch.status).toBe(403);
  });

  test('a blank site makes a tenant-wide key; an archived or unknown site is refused inline and no key is made', async () => {
    const ok = await owner.post('/keys', { name: 'Integration', locationId: '' });
    expect(ok.status).toBe(200);
    expect((await t.sql`select location_id from api_keys where name = 'Integration'`)[0].location_id).toBeNull();
    await owner.post('/locations', { name: 'Gone', code: 'GONE', timeZone: 'Europe/London' });
    const gone = await siteByCode('GONE');
    await owner.post(`/locations/${gone.id}/archive`, {});
    expect(await (await owner.get('/keys')).text()).not.toContain(`<option value="${gone.id}"`);
    const count = async () => (await t.sql`select count(*)::int as n from api_keys where tenant_id = ${t.tenantA.id}`)[0].n;
    const before = await count();
    for (const locationId of [gone.id, '00000000-0000-4000-8000-000000000000', 'SOHO']) {
      const res = await owner.post('/keys', { name: 'Stray till', locationId });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('id="key-location-error" class="field-error" role="alert">Choose one of the active locations, or the whole group.');
    }
    expect(await count()).toBe(before);
  });
});

describe('staff limited to a site (the Locations page)', () => {
  test('an owner limits a staff admin to a site: it is stored, they are signed out at once, and they sign back in limited', async () => {
    const soho = await siteByCode('SOHO');
    const [{ id }] = await t.sql`select id from admins where email = 'staff@alpha.test'`;
    const page = await (await owner.get('/locations')).text();
    expect(page).toContain(`id="staff-${id}"`);
    const res = await owner.post(`/staff/${id}/location`, { locationId: soho.id });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Limited to Soho; signed out everywhere.');
    expect((await t.sql`select location_id from admins where id = ${id}`)[0].location_id).toBe(soho.id);
    expect((await t.sql`select count(*)::int as n from admin_sessions where admin_id = ${id}`)[0].n).toBe(0);
    expect((await staff.get('/orders')).status).toBe(303);
    const again = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
    const atCamden = (await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 250 }],
      locationId: (await siteByCode('CAMDEN')).id })).body.id;
    const atSoho = (await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 250 }],
      locationId: soho.id })).body.id;
    const board = await (await again.get('/orders')).text();
    expect(board).toContain(`order-${atSoho}`);
    expect(board).not.toContain(`order-${atCamden}`);

    // Giving the whole group back signs nobody out.
    const freed = await owner.post(`/staff/${id}/location`, { locationId: '' });
    expect(await freed.text()).toContain('Works for the whole group.');
    expect((await t.sql`select location_id from admins where id = ${id}`)[0].location_id).toBeNull();
    expect((await again.get('/orders')).status).toBe(200);
  });

  test("an archived or unknown site is refused inline; an owner, or another tenant's admin, is not staff to limit", async () => {
    const [{ id }] = await t.sql`select id from admins where email = 'staff@alpha.test'`;
    const gone = await siteByCode('GONE');
    for (const locationId of [gone.id, 'SOHO']) {
      const res = await owner.post(`/staff/${id}/location`, { locationId });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('Choose one of the active locations, or the whole group.');
    }
    expect((await t.sql`select location_id from admins where id = ${id}`)[0].location_id).toBeNull();
    const [{ id: ownerId }] = await t.sql`select id from admins where email = 'owner@alpha.test'`;
    const soho = await siteByCode('SOHO');
    expect((await owner.post(`/staff/${ownerId}/location`, { locationId: soho.id })).status).toBe(404);
    expect((await t.sql`select location_id from admins where id = ${ownerId}`)[0].location_id).toBeNull();
  });
});
