import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { client, testApp, type Api } from '../support/app.ts';
import { burger, enrol, expectInvariants, fries, issueCard } from '../support/fixtures.ts';

// Reports of a group whose two sites are five hours apart: London (BST, UTC+1 in June) and New York
// (EDT, UTC−4). Orders are placed through each site's till and then moved to chosen instants (orders
// are not a ledger: their created_at may be set; ledger rows are append-only and stay at now()).

const t = await testApp();

const FIGURES = ['orders', 'ordersCompleted', 'ordersCancelled', 'revenueCents', 'pointsDiscountCents', 'giftCardPaidCents',
  'pointsEarned', 'pointsRedeemed', 'pointsReversed', 'giftCardsSold', 'giftCardsSoldCents', 'giftCardRedemptions',
  'giftCardsRedeemedCents', 'giftCardsRefundedCents'] as const;

async function site(api: Api, name: string, code: string, timeZone: string) {
  const r = await api.post('/api/v1/locations', { name, code, timeZone });
  expect(r.status).toBe(201);
  return r.body as { id: string; code: string };
}

async function tillAt(locationId: string, name: string) {
  const key = await createApiKey(t.sql, t.tenantA.id, name);
  await t.sql`update api_keys set location_id = ${locationId} where id = ${key.id}`;
  return client(t.app, key.apiKey);
}

/** An order of 2,000 (no customer, so no points) placed by `api`, then moved to `at`. */
async function orderAt(api: Api, at: string, extra: Record<string, unknown> = {}) {
  const r = await api.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries], ...extra });
  expect(r.status).toBe(201);
  await t.sql`update orders set created_at = ${at}::timestamptz where id = ${r.body.id}`;
  return r.body as { id: string; locationId: string | null };
}

/** Every figure of every day equals the sum of its per-location rows. */
function expectBreakdownSums(days: Array<Record<string, any>>) {
  for (const day of days) {
    const sums = Object.fromEntries(FIGURES.map((f) => [f, day.locations.reduce((n: number, l: any) => n + l[f], 0)]));
    expect({ date: day.date, ...sums }).toEqual({ date: day.date, ...Object.fromEntries(FIGURES.map((f) => [f, day[f]])) });
  }
}

const orders = (days: Array<Record<string, any>>) =>
  days.map((d) => [d.date, d.orders, d.locations.map((l: any) => [l.code, l.orders])]);

describe('a tenant without locations', () => {
  test('gets exactly the report it had before locations existed: no locationId, tz or breakdown', async () => {
    await orderAt(t.b, '2026-06-10T12:00:00Z');
    const day = await t.b.get('/api/v1/reports/daily?date=2026-06-10');
    expect(day.status).toBe(200);
    expect(Object.keys(day.body).sort()).toEqual(['date', ...FIGURES].sort());
    expect(day.body).toMatchObject({ date: '2026-06-10', orders: 1, revenueCents: 2000 });
    const range = await t.b.get('/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11');
    expect(Object.keys(range.body).sort()).toEqual(['days', 'from', 'to', 'tz']);
    expect(range.body.tz).toBe('UTC');
    expect(range.body.days.map((d: any) => Object.keys(d).length)).toEqual([15, 15]);
    // Naming a site it does not have is 404, like any id that is not the tenant's.
    const none = await t.b.get('/api/v1/reports/daily?date=2026-06-10&locationId=4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10');
    expect({ status: none.status, code: none.body.code }).toEqual({ status: 404, code: 'not_found' });
  });
});

const london = await site(t.a, 'London', 'LDN', 'Europe/London');
const newYork = await site(t.a, 'New York', 'NYC', 'America/New_York');
const londonTill = await tillAt(london.id, 'London counter');
const newYorkTill = await tillAt(newYork.id, 'New York counter');

// Each site's 23:30 on 10 June and 00:30 on 11 June, local time; one group-key order with no site.
const A = await orderAt(londonTill, '2026-06-10T22:30:00Z');   // London 23:30 (10th), New York 18:30 (10th)
const B = await orderAt(londonTill, '2026-06-10T23:30:00Z');   // London 00:30 (11th), New York 19:30 (10th)
await orderAt(newYorkTill, '2026-06-11T03:30:00Z');             // New York 23:30 (10th), London 04:30 (11th)
await orderAt(newYorkTill, '2026-06-11T04:30:00Z');             // New York 00:30 (11th), London 05:30 (11th)
await orderAt(t.a, '2026-06-10T12:00:00Z');                     // no location: noon everywhere on the 10th

describe('reports per location', () => {
  test("a site's day is its own: each site's 23:30 and 00:30 fall on two days, in its own time zone", async () => {
    expect([A.locationId, B.locationId]).toEqual([london.id, london.id]);
    for (const [s, zone] of [[london, 'Europe/London'], [newYork, 'America/New_York']] as const) {
      for (const date of ['2026-06-10', '2026-06-11']) {
        const r = await t.a.get(`/api/v1/reports/daily?date=${date}&locationId=${s.id}`);
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ date, locationId: s.id, tz: zone, orders: 1, revenueCents: 2000 });
        expect(r.body.locations).toBeUndefined();
      }
    }
  });

  test("the same two instants straddle midnight in London but not in New York's day", async () => {
    // London's 23:30 and 00:30 are 18:30 and 19:30 in New York: one New York day holds both.
    const inNewYork = await t.a.get(`/api/v1/reports/daily?date=2026-06-10&locationId=${london.id}&tz=America/New_York`);
    expect(inNewYork.body).toMatchObject({ locationId: london.id, tz: 'America/New_York', orders: 2, revenueCents: 4000 });
    const range = await t.a.get(`/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11&locationId=${london.id}`);
    expect(range.body).toMatchObject({ from: '2026-06-10', to: '2026-06-11', tz: 'Europe/London', locationId: london.id });
    expect(range.body.days.map((d: any) => [d.date, d.orders])).toEqual([['2026-06-10', 1], ['2026-06-11', 1]]);
  });

  test('the group report has a per-location breakdown, with a row for writes with no location, that sums to the group', async () => {
    // Sites in two zones: the group's days are UTC's unless tz is given.
    const utc = await t.a.get('/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11');
    expect(utc.status).toBe(200);
    expect(utc.body).toMatchObject({ tz: 'UTC', locationId: null });
    expect(orders(utc.body.days)).toEqual([
      ['2026-06-10', 3, [['LDN', 2], ['NYC', 0], [null, 1]]],
      ['2026-06-11', 2, [['LDN', 0], ['NYC', 2], [null, 0]]],
    ]);
    expect(utc.body.days[0].locations[0]).toMatchObject({ locationId: london.id, code: 'LDN', name: 'London', revenueCents: 4000 });
    expect(utc.body.days[0].locations[2]).toMatchObject({ locationId: null, code: null, name: null, revenueCents: 2000 });
    expectBreakdownSums(utc.body.days);

    // In London's days every site is counted in London's day, so the rows still sum to the group.
    const inLondon = await t.a.get('/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11&tz=Europe/London');
    expect(orders(inLondon.body.days)).toEqual([
      ['2026-06-10', 2, [['LDN', 1], ['NYC', 0], [null, 1]]],
      ['2026-06-11', 3, [['LDN', 1], ['NYC', 2], [null, 0]]],
    ]);
    expectBreakdownSums(inLondon.body.days);

    const one = await t.a.get('/api/v1/reports/daily?date=2026-06-11&tz=America/New_York');
    expect(one.body).toMatchObject({ date: '2026-06-11', tz: 'America/New_York', locationId: null, orders: 1 });
    expectBreakdownSums([one.body]);
  });

  test('points and gift card figures count where the ledger row was written, and sum to the group', async () => {
    const guest = await enrol(t.a, '+447306580001', 0, 'Group Guest');
    expect((await londonTill.post(`/api/v1/customers/${guest.id}/points/add`, { points: 40 })).status).toBe(200);
    expect((await newYorkTill.post(`/api/v1/customers/${guest.id}/points/redeem`, { points: 15 })).status).toBe(200);
    await issueCard(newYorkTill, 2500);
    const [{ ldn, nyc }] = await t.sql`select to_char(now() at time zone 'Europe/London', 'YYYY-MM-DD') as ldn,
      to_char(now() at time zone 'America/New_York', 'YYYY-MM-DD') as nyc`;
    const atLondon = await t.a.get(`/api/v1/reports/daily?date=${ldn}&locationId=${london.id}`);
    expect(atLondon.body).toMatchObject({ pointsEarned: 40, pointsRedeemed: 0, giftCardsSold: 0 });
    const atNewYork = await t.a.get(`/api/v1/reports/daily?date=${nyc}&locationId=${newYork.id}`);
    expect(atNewYork.body).toMatchObject({ pointsEarned: 0, pointsRedeemed: 15, giftCardsSold: 1, giftCardsSoldCents: 2500 });
    const [{ utc }] = await t.sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as utc`;
    const group = await t.a.get(`/api/v1/reports/daily?date=${utc}`);
    expect(group.body).toMatchObject({ pointsEarned: 40, pointsRedeemed: 15, giftCardsSoldCents: 2500 });
    expectBreakdownSums([group.body]);
    await expectInvariants(t.sql);
  });

  test('an archived site still has its reports, and is in the breakdown only of a range in which it has figures', async () => {
    const old = await site(t.a, 'Old Street', 'OLD', 'Europe/London');
    await orderAt(t.a, '2026-06-09T12:00:00Z', { locationId: old.id });
    expect((await t.a.patch(`/api/v1/locations/${old.id}`, { archived: true })).status).toBe(200);
    const own = await t.a.get(`/api/v1/reports/daily?date=2026-06-09&locationId=${old.id}`);
    expect(own.body).toMatchObject({ locationId: old.id, orders: 1 });
    const without = await t.a.get('/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11');
    expect(without.body.days[0].locations.map((l: any) => l.code)).toEqual(['LDN', 'NYC', null]);
    const withIt = await t.a.get('/api/v1/reports/daily/range?from=2026-06-09&to=2026-06-10');
    expect(orders(withIt.body.days)).toEqual([
      ['2026-06-09', 1, [['LDN', 0], ['NYC', 0], ['OLD', 1], [null, 0]]],
      ['2026-06-10', 3, [['LDN', 2], ['NYC', 0], ['OLD', 0], [null, 1]]],
    ]);
    expectBreakdownSums(withIt.body.days);
  });

  test("an unknown site, another tenant's site and a malformed id are refused", async () => {
    const foreign = await site(t.b, 'Bravo HQ', 'HQ', 'Europe/Paris');
    for (const id of [foreign.id, '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10']) {
      const r = await t.a.get(`/api/v1/reports/daily?date=2026-06-10&locationId=${id}`);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 404, code: 'not_found' });
    }
    const bad = await t.a.get('/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11&locationId=LDN');
    expect({ status: bad.status, code: bad.body.code, paths: bad.body.errors.map((e: any) => e.path) })
      .toEqual({ status: 400, code: 'validation_failed', paths: ['locationId'] });
  });
});

describe('callers bound to a site', () => {
  test("a bound till gets its own site's report, never the group's, and another site is 403 location_mismatch", async () => {
    const own = await londonTill.get('/api/v1/reports/daily?date=2026-06-10');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ locationId: london.id, tz: 'Europe/London', orders: 1 });
    expect(own.body.locations).toBeUndefined();
    expect((await londonTill.get(`/api/v1/reports/daily?date=2026-06-10&locationId=${london.id}`)).body.orders).toBe(1);
    for (const path of [`/api/v1/reports/daily?date=2026-06-10&locationId=${newYork.id}`,
      `/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11&locationId=${newYork.id}`]) {
      const r = await londonTill.get(path);
      expect({ status: r.status, code: r.body.code, bound: r.body.boundLocationId })
        .toEqual({ status: 403, code: 'location_mismatch', bound: london.id });
    }
    const range = await londonTill.get('/api/v1/reports/daily/range?from=2026-06-10&to=2026-06-11&tz=UTC');
    expect(range.body).toMatchObject({ locationId: london.id, tz: 'UTC' });
    expect(range.body.days.map((d: any) => [d.date, d.orders, d.locations])).toEqual([['2026-06-10', 2, undefined], ['2026-06-11', 0, undefined]]);
  });

  test('a staff admin limited to a site sees its site over the API with the cookie; an owner sees the group', async () => {
    const staffId = await createAdmin(t.sql, t.tenantA.id, 'ny-staff@alpha.test', 'staff password', 'staff');
    await t.sql`update admins set location_id = ${newYork.id} where id = ${staffId}`;
    const staff = (await signIn(t.app, 'alpha', 'ny-staff@alpha.test', 'staff password')).api();
    const own = await staff.get('/api/v1/reports/daily?date=2026-06-10');
    expect(own.body).toMatchObject({ locationId: newYork.id, tz: 'America/New_York', orders: 1 });
    const other = await staff.get(`/api/v1/reports/daily?date=2026-06-10&locationId=${london.id}`);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 403, code: 'location_mismatch' });
    await createAdmin(t.sql, t.tenantA.id, 'boss@alpha.test', 'owner password');
    const owner = (await signIn(t.app, 'alpha', 'boss@alpha.test', 'owner password')).api();
    const group = await owner.get('/api/v1/reports/daily?date=2026-06-10');
    expect(group.body).toMatchObject({ locationId: null, orders: 3 });
    expect(group.body.locations).toHaveLength(3);
  });
});
