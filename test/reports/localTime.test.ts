import { describe, expect, test } from 'bun:test';
import { createAdmin, signIn } from '../support/admin.ts';
import { testApp } from '../support/app.ts';
import { burger, enrol, fries } from '../support/fixtures.ts';
import { Directory } from '../../src/admin/directory.ts';

// Local time (issue 13, item 3): the tenant's zone (settings `timezone`) decides the dashboard's today,
// the reports' default day, every time on the admin pages and the times in CSV exports; a location's
// own zone overrides it for that site. Tenant A's zone is set per test; tenant B stays on the default.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');

const zoneRow = async (tenantId = t.tenantA.id) =>
  (await t.sql`select time_zone from tenants where id = ${tenantId}`)[0]!.time_zone as string;

/**
 * A zone whose date differs from UTC's right now, whatever the hour the test runs at (Kiritimati is
 * UTC+14, so ahead from 10:00 UTC; Honolulu UTC−10, so behind until 10:00 UTC), with its local today
 * and the instant its local today began.
 */
async function zoneOffUtcDate() {
  const [row] = await t.sql`select z.name, to_char(now() at time zone z.name, 'YYYY-MM-DD') as today,
      to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as "utcToday",
      date_trunc('day', now() at time zone z.name) at time zone z.name as "startedAt"
    from (values ('Pacific/Auckland', 1), ('America/Los_Angeles', 2), ('Pacific/Kiritimati', 3), ('Pacific/Honolulu', 4)) z(name, pref)
    where (now() at time zone z.name)::date <> (now() at time zone 'UTC')::date
    order by pref limit 1`;
  return row as { name: string; today: string; utcToday: string; startedAt: Date };
}

async function setZone(timezone: string) {
  const r = await t.a.patch('/api/v1/settings', { timezone });
  expect(r.status).toBe(200);
  expect(r.body.timezone).toBe(timezone);
}

/** An order of 2,000 (no customer: no points) placed now, then moved to `at`. */
async function orderAt(at: Date | string, extra: Record<string, unknown> = {}) {
  const r = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries], ...extra });
  expect(r.status).toBe(201);
  await t.sql`update orders set created_at = ${at}::timestamptz where id = ${r.body.id}`;
  return r.body as { id: string };
}

describe('settings timezone', () => {
  test('defaults to UTC, is an IANA name set through the API and read back on both doors, and is in the event', async () => {
    expect((await t.b.get('/api/v1/settings')).body.timezone).toBe('UTC');
    const r = await t.a.patch('/api/v1/settings', { timezone: 'Pacific/Auckland' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ slug: 'alpha', timezone: 'Pacific/Auckland', currency: 'GBP' });
    expect(await zoneRow()).toBe('Pacific/Auckland');
    expect(await zoneRow(t.tenantB.id)).toBe('UTC');
    const [ev] = await t.sql`select data from events where tenant_id = ${t.tenantA.id} and type = 'settings_updated' order by id desc limit 1`;
    expect(ev!.data.timezone).toBe('Pacific/Auckland');
    // The admin form shows it, and the staff read of the API has it too.
    expect(await (await owner.get('/settings')).text()).toContain('value="Pacific/Auckland"');
    expect((await staff.api().get('/api/v1/settings')).body.timezone).toBe('Pacific/Auckland');
  });

  test('the admin Settings form changes it, recorded as the admin, and other settings are left as they were', async () => {
    const before = (await t.a.get('/api/v1/settings')).body;
    const r = await owner.post('/settings', { timezone: 'America/Los_Angeles' });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Settings saved.');
    expect(await zoneRow()).toBe('America/Los_Angeles');
    const after = (await t.a.get('/api/v1/settings')).body;
    expect({ ...after, updatedAt: null, timezone: null }).toEqual({ ...before, updatedAt: null, timezone: null });
    const [ev] = await t.sql`select actor from events where tenant_id = ${t.tenantA.id} and type = 'settings_updated' order by id desc limit 1`;
    expect(ev!.actor).toStartWith('admin:');
  });

  test('anything but an IANA name is 400 on the API and an inline message on the form, and nothing changes', async () => {
    await setZone('Europe/London');
    const events = async () => (await t.sql`select count(*)::int as n from events where tenant_id = ${t.tenantA.id}`)[0]!.n;
    const eventsBefore = await events();
    // Shape, Intl's list and Postgres's list: 'US/Pacific-New' is a name Intl knows and Postgres refuses.
    for (const bad of ['Mars/Olympus', 'GMT+25', "UTC'; drop table orders;--", '', 'x'.repeat(65), 'US/Pacific-New', 42]) {
      const api = await t.a.patch('/api/v1/settings', { timezone: bad });
      expect({ bad, status: api.status, code: api.body.code }).toEqual({ bad, status: 400, code: 'validation_failed' });
      expect(api.headers.get('content-type')).toContain('application/problem+json');
      if (typeof bad !== 'string' || bad === '') continue; // an empty form field means "leave it"
      const page = await owner.post('/settings', { timezone: bad });
      expect(page.status).toBe(422);
      expect(await page.text()).toContain('an IANA time zone such as Europe/London');
    }
    expect(await zoneRow()).toBe('Europe/London');
    expect(await events()).toBe(eventsBefore);
  });

  test('staff may not change it on either door', async () => {
    await setZone('Europe/London');
    expect((await staff.api().patch('/api/v1/settings', { timezone: 'Asia/Tokyo' })).status).toBe(403);
    expect((await staff.post('/settings', { timezone: 'Asia/Tokyo' })).status).toBe(403);
    expect(await zoneRow()).toBe('Europe/London');
  });
});

describe("today is the tenant's today", () => {
  test("the dashboard counts the orders of the zone's today, not UTC's, and says which day and zone it is", async () => {
    await t.sql`delete from orders where tenant_id = ${t.tenantA.id}`;
    const z = await zoneOffUtcDate();
    expect(z.today).not.toBe(z.utcToday);
    await setZone(z.name);
    // One minute into the local day, and one minute before it: in UTC's day both fall on the same side.
    const started = z.startedAt.getTime();
    await orderAt(new Date(started + 60_000));
    await orderAt(new Date(started - 60_000));
    const html = await (await owner.get('/dashboard')).text();
    expect(html).toContain(`data-today="${z.today}"`);
    expect(html).toContain(`(${z.name})`);
    expect(/data-figure="orders"><span class="muted">Orders today<\/span><strong>(\d+)<\/strong>/.exec(html)![1]).toBe('1');
    expect(html).toMatch(/Revenue today<\/span><strong>£20\.00<\/strong>/);
    // The same figures in UTC's day would have been 2 orders or none: the zone decided.
    const utc = await t.a.get(`/api/v1/reports/daily?date=${z.utcToday}&tz=UTC`);
    expect(utc.body.orders).not.toBe(1);
  });

  test("a report without a date is today in the tenant's zone; tz still overrides it", async () => {
    const z = await zoneOffUtcDate();
    await setZone(z.name);
    const r = await t.a.get('/api/v1/reports/daily');
    expect(r.status).toBe(200);
    expect(r.body.date).toBe(z.today);
    const utc = await t.a.get('/api/v1/reports/daily?tz=UTC');
    expect(utc.body.date).toBe(z.utcToday);
    // Tenant B never chose a zone: UTC, as before zones existed.
    expect((await t.b.get('/api/v1/reports/daily')).body.date).toBe(z.utcToday);
  });

  test("a location's own zone overrides the tenant's for that site; the group's days are the tenant's", async () => {
    await setZone('America/Los_Angeles');
    const site = await t.a.post('/api/v1/locations', { name: 'Ponsonby', code: 'PON', timeZone: 'Pacific/Auckland' });
    expect(site.status).toBe(201);
    const range = (q: string) => t.a.get(`/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11${q}`);
    expect((await range(`&locationId=${site.body.id}`)).body).toMatchObject({ tz: 'Pacific/Auckland', locationId: site.body.id });
    expect((await range('')).body).toMatchObject({ tz: 'America/Los_Angeles', locationId: null });
    // An order at 2026-06-10 20:00 UTC is the 10th in Los Angeles and the 11th in Auckland.
    const o = await orderAt('2026-06-10T20:00:00Z');
    await t.sql`update orders set location_id = ${site.body.id} where id = ${o.id}`;
    const atSite = await t.a.get(`/api/v1/reports/daily?date=2026-06-11&locationId=${site.body.id}`);
    expect(atSite.body).toMatchObject({ date: '2026-06-11', tz: 'Pacific/Auckland', orders: 1 });
    const group = await t.a.get('/api/v1/reports/daily?date=2026-06-10');
    expect(group.body).toMatchObject({ date: '2026-06-10', tz: 'America/Los_Angeles', orders: 1 });
  });
});

describe('orders today and revenue count the same orders', () => {
  test('a cancelled order is shown as cancelled: in neither "Orders today" nor revenue', async () => {
    await setZone('Europe/London');
    await t.sql`delete from orders where tenant_id = ${t.tenantA.id}`;
    await orderAt(new Date());
    await orderAt(new Date());
    const gone = await orderAt(new Date());
    expect((await t.a.post(`/api/v1/orders/${gone.id}/status`, { status: 'cancelled' })).status).toBe(200);
    const html = await (await owner.get('/dashboard')).text();
    expect(/Orders today<\/span><strong>(\d+)<\/strong>/.exec(html)![1]).toBe('2');
    expect(html).toMatch(/<small class="muted">1 cancelled<\/small>/);
    expect(html).toMatch(/Revenue today<\/span><strong>£40\.00<\/strong>/);
    // The API keeps its figures: every order placed, the cancelled ones among them, revenue without them.
    const r = await t.a.get('/api/v1/reports/daily');
    expect(r.body).toMatchObject({ orders: 3, ordersCancelled: 1, revenueCents: 4000 });
  });
});

describe('times on the admin pages and in CSV exports', () => {
  test("the order page shows its times in the tenant's zone, and follows a change of zone; the <time> keeps the instant", async () => {
    await setZone('Pacific/Auckland');
    const o = await orderAt('2026-01-15T22:30:00Z', { customer: { phone: '+447306580001' } });
    const detail = await (await owner.get(`/orders/${o.id}`)).text();
    // 22:30 UTC on 15 January is 11:30 on the 16th in Auckland (NZDT, UTC+13).
    expect(detail).toContain('<time datetime="2026-01-15T22:30:00.000Z">16 Jan 11:30</time>');
    await setZone('America/Los_Angeles');
    const again = await (await owner.get(`/orders/${o.id}`)).text();
    expect(again).toContain('<time datetime="2026-01-15T22:30:00.000Z">15 Jan 14:30</time>');
  });

  test("CSV exports write times with the zone's offset and name the zone in X-Time-Zone", async () => {
    await setZone('Pacific/Auckland');
    const c = await enrol(t.a, '+447306580002', 10);
    await t.sql`update customers set created_at = '2026-01-15T22:30:00Z' where id = ${c.id}`;
    const res = await t.app.request('/api/v1/customers?format=csv', { headers: { authorization: `Bearer ${t.keyA}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-time-zone')).toBe('Pacific/Auckland');
    const line = (await res.text()).split('\r\n').find((l) => l.startsWith(c.id))!;
    expect(line).toContain(',2026-01-16T11:30:00.000+13:00,');
    // Winter in Auckland is +12:00; the offset is the one in force at the instant.
    const ledger = await t.app.request(`/api/v1/customers/${c.id}/transactions?format=csv`, { headers: { authorization: `Bearer ${t.keyA}` } });
    expect(ledger.headers.get('x-time-zone')).toBe('Pacific/Auckland');
    expect((await ledger.text()).split('\r\n')[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+1[23]:00$/);
    const [{ winter }] = await t.sql`select iso_at('2026-07-01T00:00:00Z', 'Pacific/Auckland') as winter`;
    expect(winter).toBe('2026-07-01T12:00:00.000+12:00');
    const [{ behind }] = await t.sql`select iso_at('2026-07-01T00:00:00Z', 'America/St_Johns') as behind`;
    expect(behind).toBe('2026-06-30T21:30:00.000-02:30');
    // The API's JSON keeps ISO 8601 instants in UTC.
    expect((await t.a.get(`/api/v1/customers/${c.id}`)).body.createdAt).toBe('2026-01-15T22:30:00.000Z');
  });
});

describe("the live fragments' zone", () => {
  test("the stream's directory loads each tenant's zone, and a settings_updated zone applies at once", async () => {
    await setZone('Asia/Kolkata');
    const directory = new Directory(t.sql);
    await directory.ensure(t.tenantA.id);
    await directory.ensure(t.tenantB.id);
    expect(directory.timeZone(t.tenantA.id)).toBe('Asia/Kolkata');
    expect(directory.timeZone(t.tenantB.id)).toBe('UTC');
    directory.learnTimeZone(t.tenantA.id, 'Europe/Paris');
    expect(directory.timeZone(t.tenantA.id)).toBe('Europe/Paris');
    directory.learnTimeZone(t.tenantA.id, undefined); // an event without the field changes nothing
    expect(directory.timeZone(t.tenantA.id)).toBe('Europe/Paris');
  });
});
