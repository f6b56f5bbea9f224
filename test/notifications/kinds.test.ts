import { describe, expect, test } from 'bun:test';
import { client, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { burger, enrol, issueCard } from '../support/fixtures.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { serve, listen, until } from '../support/stream.ts';
import { reportListenerDown } from '../../src/notifications/notifications.ts';

// Every kind of notification is a row per admin written with its cause, for exactly the admins whose
// preferences (or role defaults) ask for it; staff limited to a site hear only of their own site's.

const t = await testApp({ PRESENCE_INTERVAL_MS: 200 });
const owner = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner2 = await createAdmin(t.sql, t.tenantA.id, 'owner2@alpha.test', 'owner password');
const staff = await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const ownerB = await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
const [{ id: home }] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantA.id}, 'Home', 'HOME', 'Europe/London') returning id`;
const [{ id: away }] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantA.id}, 'Away', 'AWAY', 'Europe/London') returning id`;
const homeStaff = await createAdmin(t.sql, t.tenantA.id, 'home@alpha.test', 'staff password', 'staff');
await t.sql`update admins set location_id = ${home} where id = ${homeStaff}`;

/** Who got a notification of this kind since `after` (notifications.seq), by email. */
async function recipients(kind: string, after: number) {
  const rows = await t.sql`select a.email from notifications n join admins a on a.id = n.admin_id
    where n.kind = ${kind} and n.seq > ${after} order by a.email`;
  return rows.map((r) => r.email);
}
const mark = async () => Number((await t.sql`select coalesce(max(seq), 0) as s from notifications`)[0].s);

describe('what notifies whom', () => {
  test('a new online order notifies every owner and the staff, a POS order nobody', async () => {
    const m = await mark();
    const online = await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] });
    expect(online.status).toBe(201);
    expect(await recipients('online_order', m)).toEqual(['owner2@alpha.test', 'owner@alpha.test', 'staff@alpha.test']);
    const [row] = await t.sql`select title, link from notifications where kind = 'online_order' and seq > ${m} limit 1`;
    expect(row.title).toBe(`New online order ${online.body.orderNumber}`);
    expect(row.link).toBe(`/alpha/admin/orders/${online.body.id}`);
    const m2 = await mark();
    expect((await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).status).toBe(201);
    expect(await recipients('online_order', m2)).toEqual([]);
  });

  test('staff limited to a site hear of its online orders only, and of none that named no site', async () => {
    const m = await mark();
    expect((await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger], locationId: home })).status).toBe(201);
    expect(await recipients('online_order', m)).toContain('home@alpha.test');
    const m2 = await mark();
    expect((await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger], locationId: away })).status).toBe(201);
    expect(await recipients('online_order', m2)).not.toContain('home@alpha.test');
    expect((await recipients('online_order', m2)).length).toBe(3);
  });

  test("a redemption notifies owners whose threshold it reaches; each owner's threshold is their own", async () => {
    await t.sql`insert into notification_preferences (admin_id, tenant_id, kinds, redemption_threshold)
      values (${owner2}, ${t.tenantA.id}, notification_default_kinds('owner'), 50)`;
    const c = await enrol(t.a, '+447306700001', 1000, 'Big Spender');
    const m = await mark();
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 60 })).status).toBe(200);
    expect(await recipients('large_redemption', m)).toEqual(['owner2@alpha.test']);
    const m2 = await mark();
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 500 })).status).toBe(200);
    expect(await recipients('large_redemption', m2)).toEqual(['owner2@alpha.test', 'owner@alpha.test']);
    const [row] = await t.sql`select title, body from notifications where kind = 'large_redemption' and seq > ${m2} limit 1`;
    expect(row.title).toBe('Redemption of 500 points');
    expect(row.body).toContain('Big Spender');
  });

  test('a gift card sold notifies the owners (staff by choice); a new reconciliation item owners and staff', async () => {
    const m = await mark();
    await issueCard(t.a, 2500);
    expect(await recipients('gift_card_sold', m)).toEqual(['owner2@alpha.test', 'owner@alpha.test']);
    const [row] = await t.sql`select title from notifications where kind = 'gift_card_sold' and seq > ${m} limit 1`;
    expect(row.title).toBe('Gift card sold: GBP 25.00');

    const c = await enrol(t.a, '+447306700002', 0, 'Owing');
    const o = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: c.phone } });
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: o.body.pointsEarned })).status).toBe(200);
    const m2 = await mark();
    expect((await t.a.post(`/api/v1/orders/${o.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect(await recipients('reconciliation_item', m2)).toEqual(['home@alpha.test', 'owner2@alpha.test', 'owner@alpha.test', 'staff@alpha.test']);
  });

  test('an admin who turned a kind off is not notified of it; a deactivated admin never', async () => {
    await t.sql`insert into notification_preferences (admin_id, tenant_id, kinds) values (${staff}, ${t.tenantA.id}, '{}')`;
    await t.sql`update admins set deactivated_at = now() where id = ${owner2}`;
    const m = await mark();
    expect((await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] })).status).toBe(201);
    expect(await recipients('online_order', m)).toEqual(['owner@alpha.test']);
    await t.sql`update admins set deactivated_at = null where id = ${owner2}`;
    await t.sql`delete from notification_preferences where admin_id = ${staff}`;
  });

  test("another tenant's changes never notify this tenant's admins, nor the reverse", async () => {
    const m = await mark();
    expect((await t.b.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] })).status).toBe(201);
    const rows = await t.sql`select admin_id, tenant_id from notifications where seq > ${m}`;
    expect(rows.map((r) => r.admin_id)).toEqual([ownerB]);
    expect(rows[0].tenant_id).toBe(t.tenantB.id);
  });

  test('a terminal whose last stream closes notifies once; its site decides which limited staff hear of it', async () => {
    const till = await createApiKey(t.sql, t.tenantA.id, 'Front till', home);
    const url = `${serve(t.app)}/api/v1/events/stream`;
    const m = await mark();
    const s1 = listen(url, till.apiKey);
    const s2 = listen(url, till.apiKey);
    await Promise.all([s1.opened, s2.opened]);
    await until(async () => (await t.sql`select 1 from terminal_presence where api_key_id = ${till.id}`).length > 0, 'presence written');
    s1.close();
    await Bun.sleep(600);
    expect(await recipients('terminal_offline', m)).toEqual([]);
    s2.close();
    await until(async () => (await recipients('terminal_offline', m)).length === 4, 'dropped-off notifications');
    expect(await recipients('terminal_offline', m)).toEqual(['home@alpha.test', 'owner2@alpha.test', 'owner@alpha.test', 'staff@alpha.test']);
    const [row] = await t.sql`select title from notifications where kind = 'terminal_offline' and seq > ${m} limit 1`;
    expect(row.title).toBe('Terminal Front till dropped off');
    // It reconnects and drops again at once (flaky wifi): not news again within ten minutes.
    const again = listen(url, till.apiKey);
    await again.opened;
    await until(async () => (await t.sql`select 1 from terminal_presence where api_key_id = ${till.id}`).length > 0, 'presence again');
    again.close();
    await until(async () => (await t.sql`select 1 from terminal_presence where api_key_id = ${till.id}`).length === 0, 'gone again');
    expect((await recipients('terminal_offline', m)).length).toBe(4);
    // Ten minutes on, the same terminal dropping off is news again.
    await t.sql`update notifications set created_at = created_at - interval '11 minutes' where kind = 'terminal_offline'`;
    const later = listen(url, till.apiKey);
    await later.opened;
    await until(async () => (await t.sql`select 1 from terminal_presence where api_key_id = ${till.id}`).length > 0, 'presence later');
    later.close();
    await until(async () => (await recipients('terminal_offline', m)).length === 8, 'dropped off again, later');
  });

  test("a listener down past its bound notifies each tenant's owners once, however many instances notice it", async () => {
    const m = await mark();
    const since = new Date(Date.now() - 120_000);
    const wrote = await Promise.all([
      reportListenerDown(t.sql, 'instance-one', since),
      reportListenerDown(t.sql, 'instance-two', new Date(since.getTime() + 5000)),
      reportListenerDown(t.sql, 'instance-one', since),
    ]);
    expect(wrote.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await recipients('listener_down', m)).toEqual(['owner2@alpha.test', 'owner@alpha.test', 'owner@bravo.test']);
  });
});

describe('erasure', () => {
  test("erasing a customer blanks the notifications that named them, rows and outbox alike (I8)", async () => {
    const c = await enrol(t.a, '+447306700099', 2000, 'Erin Erasable');
    const o = await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger], customer: { phone: c.phone } });
    expect(o.status).toBe(201);
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 600 })).status).toBe(200);
    const named = async () => Number((await t.sql`select
      (select count(*) from notifications where body like '%Erin Erasable%') +
      (select count(*) from events where type = 'notification_created' and data::text like '%Erin Erasable%') as n`)[0].n);
    expect(await named()).toBeGreaterThanOrEqual(4);
    const api = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api();
    expect((await api.post(`/api/v1/customers/${c.id}/erase`, {})).status).toBe(200);
    expect(await named()).toBe(0);
    // The notifications themselves stay (an order and a redemption happened), without the person.
    expect((await t.sql`select count(*)::int as n from notifications where customer_id = ${c.id}`)[0].n).toBeGreaterThanOrEqual(2);
  });
});

describe('the API, both doors', () => {
  test('an admin session lists, reads, reads all and deletes its own notifications; keys get 403', async () => {
    const api = (await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password')).api();
    const list = await api.get('/api/v1/notifications?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBe(2);
    expect(list.body.nextCursor).toBeString();
    const total = Number((await t.sql`select count(*) from notifications where admin_id = ${staff}`)[0].count);
    expect(list.body.unreadCount).toBe(total);
    const next = await api.get(`/api/v1/notifications?limit=2&cursor=${list.body.nextCursor}`);
    // Keyset pages, newest first: the two pages are the first four of everything, in order.
    const everything = await t.sql`select id from notifications where admin_id = ${staff} order by seq desc limit 4`;
    expect([...list.body.data, ...next.body.data].map((n: any) => n.id)).toEqual(everything.map((r) => r.id));

    const first = list.body.data[0];
    const read = await api.post(`/api/v1/notifications/${first.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBeString();
    expect((await t.sql`select read_at from notifications where id = ${first.id}`)[0].read_at).not.toBeNull();
    expect((await api.get('/api/v1/notifications')).body.unreadCount).toBe(total - 1);

    const del = await api.call('DELETE', `/api/v1/notifications/${first.id}`);
    expect(del.status).toBe(204);
    expect((await t.sql`select 1 from notifications where id = ${first.id}`).length).toBe(0);
    expect((await api.call('DELETE', `/api/v1/notifications/${first.id}`)).status).toBe(404);

    const all = await api.post('/api/v1/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ read: total - 1, unreadCount: 0 });
    expect((await t.sql`select count(*)::int as n from notifications where admin_id = ${staff} and read_at is null`)[0].n).toBe(0);

    for (const [m, p] of [['GET', '/api/v1/notifications'], ['POST', '/api/v1/notifications/read-all'],
      ['POST', `/api/v1/notifications/${first.id}/read`], ['DELETE', `/api/v1/notifications/${first.id}`]] as const) {
      const r = await t.a.call(m, p, m === 'GET' ? undefined : {});
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 403, code: 'forbidden' });
      expect(r.body.detail).toContain('admin session');
    }
    expect((await client(t.app, null).get('/api/v1/notifications')).status).toBe(401);
  });

  test('preferences over the API: role defaults, a PATCH changes only what it names, bad input is 400 and changes nothing', async () => {
    await createAdmin(t.sql, t.tenantA.id, 'prefs@alpha.test', 'staff password', 'staff');
    const api = (await signIn(t.app, 'alpha', 'prefs@alpha.test', 'staff password')).api();
    const first = await api.get('/api/v1/notifications/preferences');
    expect(first.body).toEqual({ kinds: ['online_order', 'reconciliation_item', 'terminal_offline'], sound: true, redemptionThreshold: 500 });
    const patched = await api.patch('/api/v1/notifications/preferences', { sound: false, kinds: ['gift_card_sold', 'online_order'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ kinds: ['online_order', 'gift_card_sold'], sound: false, redemptionThreshold: 500 });
    for (const bad of [{ kinds: ['everything'] }, { redemptionThreshold: 0 }, { sound: 'loud' }, { other: 1 }]) {
      const r = await api.patch('/api/v1/notifications/preferences', bad);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    }
    const [row] = await t.sql`select p.kinds, p.sound, p.redemption_threshold from notification_preferences p join admins a on a.id = p.admin_id
      where a.email = 'prefs@alpha.test'`;
    expect([row.kinds, row.sound, row.redemption_threshold]).toEqual([['online_order', 'gift_card_sold'], false, 500]);
    // And they decide: this staff admin now hears of gift cards sold.
    const m = await mark();
    await issueCard(t.a, 1000);
    expect(await recipients('gift_card_sold', m)).toContain('prefs@alpha.test');
    const key = await t.a.get('/api/v1/notifications/preferences');
    expect({ status: key.status, code: key.body.code }).toEqual({ status: 403, code: 'forbidden' });
  });

  test("another admin's notification is 404, in the same tenant or another; nothing changes", async () => {
    const [mine] = await t.sql`select id from notifications where admin_id = ${owner} and read_at is null limit 1`;
    const staffApi = (await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password')).api();
    await createAdmin(t.sql, t.tenantB.id, 'other@bravo.test', 'owner password');
    const bApi = (await signIn(t.app, 'bravo', 'other@bravo.test', 'owner password')).api();
    for (const api of [staffApi, bApi]) {
      expect((await api.post(`/api/v1/notifications/${mine.id}/read`)).status).toBe(404);
      expect((await api.call('DELETE', `/api/v1/notifications/${mine.id}`)).status).toBe(404);
      expect((await api.get('/api/v1/notifications?limit=100')).body.data.map((n: any) => n.id)).not.toContain(mine.id);
    }
    expect((await t.sql`select read_at from notifications where id = ${mine.id}`)[0].read_at).toBeNull();
    const bad = await staffApi.get('/api/v1/notifications?cursor=nonsense');
    expect(bad.status).toBe(400);
  });
});
