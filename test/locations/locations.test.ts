import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import type { Caller } from '../../src/identity/caller.ts';
import { atLocation } from '../../src/locations/where.ts';
import { connect, type Tx } from '../../src/platform/database.ts';
import { createApp } from '../../src/app.ts';
import { client, testApp } from '../support/app.ts';
import { enrol, expectInvariants, footprint } from '../support/fixtures.ts';

const t = await testApp();

async function site(name: string, code: string, timeZone = 'Europe/London') {
  const r = await t.a.post('/api/v1/locations', { name, code, timeZone });
  expect(r.status).toBe(201);
  return r.body as { id: string; code: string };
}

/** An API key of tenant A bound to one location, as a till's key is. */
async function tillAt(locationId: string, name: string) {
  const key = await createApiKey(t.sql, t.tenantA.id, name);
  await t.sql`update api_keys set location_id = ${locationId} where id = ${key.id}`;
  return client(t.app, key.apiKey);
}

const soho = await site('Soho', 'soho');
const camden = await site('Camden', 'CAMDEN', 'Europe/London');
const sohoTill = await tillAt(soho.id, 'Soho counter');
const camdenTill = await tillAt(camden.id, 'Camden counter');

describe('locations', () => {
  test('an owner or a tenant-wide key creates, lists, renames and archives sites; codes are upper-case and unique', async () => {
    expect(soho.code).toBe('SOHO');
    const list = await t.a.get('/api/v1/locations');
    expect(list.body.data.map((l: { code: string }) => l.code)).toEqual(expect.arrayContaining(['SOHO', 'CAMDEN']));
    const taken = await t.a.post('/api/v1/locations', { name: 'Soho again', code: 'Soho', timeZone: 'Europe/London' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('location_code_taken');
    const badZone = await t.a.post('/api/v1/locations', { name: 'Nowhere', code: 'NOWHERE', timeZone: 'US/Pacific-New' });
    expect(badZone.status).toBe(400);
    const spare = await site('Spare', 'SPARE');
    const renamed = await t.a.patch(`/api/v1/locations/${spare.id}`, { name: 'Spare room' });
    expect(renamed.body).toMatchObject({ name: 'Spare room', code: 'SPARE', archived: false });
    const archived = await t.a.patch(`/api/v1/locations/${spare.id}`, { archived: true });
    expect(archived.body).toMatchObject({ archived: true, archivedAt: expect.any(String) });
    // Another tenant's site does not exist for B.
    expect((await t.b.get(`/api/v1/locations/${soho.id}`)).status).toBe(404);
    expect((await t.b.patch(`/api/v1/locations/${soho.id}`, { name: 'Mine' })).status).toBe(404);
  });

  test('a till bound to a site records it on the ledger row and the event; points earned at one site are spent at another', async () => {
    const c = await enrol(t.a, '+447306520001', 0, 'Group Guest');
    const earned = await sohoTill.post(`/api/v1/customers/${c.id}/points/add`, { points: 40 });
    expect(earned.status).toBe(200);
    expect(earned.body.transaction.locationId).toBe(soho.id);
    const spent = await camdenTill.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 30 });
    expect(spent.status).toBe(200);
    expect(spent.body).toMatchObject({ transaction: { locationId: camden.id }, customer: { pointsBalance: 10 } });
    const ledger = await t.a.get(`/api/v1/customers/${c.id}/transactions`);
    expect(ledger.body.data.map((r: { locationId: string | null }) => r.locationId)).toEqual([camden.id, soho.id]);
    const events = await t.sql`select type, location_id from events where tenant_id = ${t.tenantA.id} and data->>'customerId' = ${c.id} order by id`;
    expect(events.map((e) => [e.type, e.location_id])).toEqual([['loyalty_updated', soho.id], ['loyalty_updated', camden.id]]);
    await expectInvariants(t.sql);
  });

  test('a bound till naming another site is 403 location_mismatch and writes nothing', async () => {
    const c = await enrol(t.a, '+447306520002', 50);
    const before = await footprint(t.sql);
    const r = await sohoTill.post(`/api/v1/customers/${c.id}/points/add`, { points: 5, locationId: camden.id });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('location_mismatch');
    const order = await sohoTill.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 250 }], locationId: camden.id });
    expect(order.status).toBe(403);
    expect(await footprint(t.sql)).toEqual(before);
    // Naming its own site is fine.
    expect((await sohoTill.post(`/api/v1/customers/${c.id}/points/add`, { points: 5, locationId: soho.id })).status).toBe(200);
  });

  test('a tenant-wide key names the site in the body; an unknown or foreign site is 404; without one, none is recorded', async () => {
    const c = await enrol(t.a, '+447306520003', 0);
    const at = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 7, locationId: camden.id });
    expect(at.body.transaction.locationId).toBe(camden.id);
    const nowhere = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 7 });
    expect(nowhere.body.transaction.locationId).toBeNull();
    const foreign = await t.b.post('/api/v1/locations', { name: 'Bravo HQ', code: 'HQ', timeZone: 'Europe/Paris' });
    const refused = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 7, locationId: foreign.body.id });
    expect(refused.status).toBe(404);
  });

  test("orders, their status changes and gift card activity record the site; a status change happens at the order's site", async () => {
    const order = await sohoTill.post('/api/v1/orders', { source: 'pos', orderType: 'dine_in', items: [{ name: 'Pizza', quantity: 1, unitPriceCents: 1200 }] });
    expect(order.status).toBe(201);
    expect(order.body.locationId).toBe(soho.id);
    // Camden's till may not move Soho's order; a tenant-wide key may, and it is recorded at Soho.
    const foreign = await camdenTill.post(`/api/v1/orders/${order.body.id}/status`, { status: 'preparing' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('location_mismatch');
    expect((await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'preparing' })).status).toBe(200);
    const [change] = await t.sql`select location_id from order_status_history where order_id = ${order.body.id} and to_status = 'preparing'`;
    expect(change.location_id).toBe(soho.id);
    const card = await camdenTill.post('/api/v1/gift-cards', { amountCents: 2000, purchasedBy: 'Pat' });
    expect(card.status).toBe(201);
    const spend = await sohoTill.post(`/api/v1/gift-cards/${card.body.code}/redeem`, { amountCents: 500 });
    expect(spend.body.transaction.locationId).toBe(soho.id);
    const activity = await t.a.get(`/api/v1/gift-cards/${card.body.code}/activity`);
    expect(activity.body.data.map((a: { type: string; locationId: string }) => [a.type, a.locationId])).toEqual([['issue', camden.id], ['redeem', soho.id]]);
    await expectInvariants(t.sql);
  });

  test('an archived site takes no new writes (409 location_archived) and keeps its history', async () => {
    const closing = await site('Closing down', 'CLOSING');
    const till = await tillAt(closing.id, 'Closing till');
    const c = await enrol(t.a, '+447306520004', 0);
    expect((await till.post(`/api/v1/customers/${c.id}/points/add`, { points: 3 })).status).toBe(200);
    await t.a.patch(`/api/v1/locations/${closing.id}`, { archived: true });
    const before = await footprint(t.sql);
    const r = await till.post(`/api/v1/customers/${c.id}/points/add`, { points: 3 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('location_archived');
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 3, locationId: closing.id })).status).toBe(409);
    expect(await footprint(t.sql)).toEqual(before);
    const ledger = await t.a.get(`/api/v1/customers/${c.id}/transactions`);
    expect(ledger.body.data[0].locationId).toBe(closing.id);
  });

  test('a till bound to a site may not change the whole group (settings, locations)', async () => {
    const settings = await sohoTill.patch('/api/v1/settings', { pointValueCents: 3 });
    expect(settings.status).toBe(403);
    expect(settings.body.code).toBe('forbidden');
    expect((await sohoTill.post('/api/v1/locations', { name: 'Rogue', code: 'ROGUE', timeZone: 'UTC' })).status).toBe(403);
    expect((await sohoTill.get('/api/v1/locations')).status).toBe(200);
  });
});

describe('the locations migration on a database with data', () => {
  test('rows written before locations existed stay valid with no location, and every invariant holds', async () => {
    const { connect } = await import('../../src/platform/database.ts');
    const { migrate } = await import('../../src/platform/migrations.ts');
    const { withDatabase } = await import('../support/setup.ts');
    const cluster = await ((globalThis as any).__tillstreamCluster as Promise<{ adminUrl: string; admin: import('postgres').Sql }>);
    const name = `loc_${Date.now().toString(36)}`;
    await cluster.admin.unsafe(`create database ${name}`);
    const sql = connect(withDatabase(cluster.adminUrl, name), 2);
    try {
      await migrate(sql, () => {}, { through: '0007' });
      // Written by the release before locations: a tenant, a customer with points, an order and a gift card.
      const [tenant] = await sql`insert into tenants (slug, name) values ('old-diner', 'Old Diner') returning id`;
      const [{ c }] = await sql`select customer_enrol(${tenant.id}, '+447306529999', 'Old Guest', null, 'cli') as c`;
      await sql`select points_add(${tenant.id}, ${c.id}, 120, 'before locations', null, 'cli')`;
      await sql`select order_create(${tenant.id}, ${sql.json({ source: 'pos', orderType: 'collection', items: [{ name: 'Soup', quantity: 1, unitPriceCents: 450 }] })}, null, null, 'cli')`;
      await sql`select gift_card_issue(${tenant.id}, 'GC-0000-0000-0000-0001', 1000, 'Pat', null, null, null, 'cli')`;
      expect(await migrate(sql)).toEqual(expect.arrayContaining(['0008_locations.sql']));
      const located = await sql`select
        (select count(*)::int from ledger where location_id is not null) as ledger,
        (select count(*)::int from orders where location_id is not null) as orders,
        (select count(*)::int from gift_card_activity where location_id is not null) as activity,
        (select count(*)::int from events where location_id is not null) as events,
        (select count(*)::int from ledger) as ledger_rows`;
      expect(located[0]).toEqual({ ledger: 0, orders: 0, activity: 0, events: 0, ledger_rows: 1 });
      const [bad] = await sql`select (select count(*)::int from points_discrepancies) + (select count(*)::int from gift_card_discrepancies) as n`;
      expect(bad.n).toBe(0);
      // And the old rows read through the new shapes: a null location.
      const [row] = await sql`select ledger_json(l) as j from ledger l where customer_id = ${c.id} order by seq desc limit 1`;
      expect(row.j).toMatchObject({ points: 120, locationId: null });
    } finally {
      await sql.end();
      await cluster.admin.unsafe(`drop database ${name} with (force)`);
    }
  });

});

describe('the location setting', () => {
  test('a write with no site after one at a site in the same transaction records no site, and the next transaction on the connection starts with none', async () => {
    const one = connect(t.url, 1);
    const caller: Caller = { tenantId: t.tenantA.id, tenantSlug: 'alpha', defaultCountry: 'GB', actor: 'key:test', keyId: null, adminId: null, role: 'key', locationId: null, boundLocationId: null };
    const where = async (tx: Tx) => (await tx`select nullif(current_setting('tillstream.location', true), '')::uuid as id`)[0]!.id as string | null;
    const seen = await one.begin(async (tx) => [await atLocation(tx, caller, soho.id, where), await atLocation(tx, caller, null, where)]);
    expect(seen).toEqual([soho.id, null]);
    expect(await atLocation(one, caller, soho.id, where)).toBe(soho.id);
    expect(await atLocation(one, caller, null, where)).toBeNull();
    await one.end();
  });

  test("a tenant-wide key's redemption sends no location statement; a till's sends the setting and the site check", async () => {
    let statements = 0;
    const counted = connect(t.url, 1, undefined, () => { statements++; });
    const app = createApp({ sql: counted, config: t.config, hub: t.hub }, { listener: () => t.listener.isUp() });
    const till = await createApiKey(t.sql, t.tenantA.id, 'counted till');
    await t.sql`update api_keys set location_id = ${soho.id} where id = ${till.id}`;
    const wide = client(app, t.keyA);
    const atSoho = client(app, till.apiKey);
    const cust = await enrol(t.a, '+447306540001', 100, 'Counted');
    const redeem = async (api: typeof wide) => {
      statements = 0;
      expect((await api.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
      return statements;
    };
    // Warm: the keys are looked up (and cached) and the statements prepared on the connection.
    for (let i = 0; i < 2; i++) { await redeem(wide); await redeem(atSoho); }
    expect(await redeem(wide)).toBe(1); // points_redeem alone: its own transaction (atLocationOne)
    expect(await redeem(atSoho)).toBe(5); // BEGIN, set_config, the site check, points_redeem, COMMIT
    const rows = await t.sql`select location_id from ledger where customer_id = ${cust.id} order by seq desc limit 2`;
    expect(rows.map((r) => r.location_id)).toEqual([soho.id, null]);
    await counted.end();
  });
});
