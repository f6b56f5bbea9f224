import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { RANGE_FIGURES, RANGE_HEADER } from '../../src/reports/rangeCsv.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { client, testApp } from '../support/app.ts';
import { burger, enrol, expectInvariants, fries, issueCard } from '../support/fixtures.ts';

// The range report a manager reads (issue 13.6): its figures against the rows they come from, its CSV
// against its JSON, its location scope, and the ranges it refuses. Tenant A has no locations; tenant B
// is a group of two sites, each with its own till.

const t = await testApp();
const [{ today, d3, d6, d7, d10 }] = await t.sql`select
  to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as today,
  to_char((now() at time zone 'UTC')::date - 3, 'YYYY-MM-DD') as d3,
  to_char((now() at time zone 'UTC')::date - 6, 'YYYY-MM-DD') as d6,
  to_char((now() at time zone 'UTC')::date - 7, 'YYYY-MM-DD') as d7,
  to_char((now() at time zone 'UTC')::date - 10, 'YYYY-MM-DD') as d10`;

async function place(api: typeof t.a, body: Record<string, unknown> = {}) {
  const r = await api.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries], ...body });
  expect(r.status).toBe(201);
  return r.body as { id: string };
}
/** Orders are not a ledger: a test may move one to another day (ledger and card rows stay at now()). */
const moveTo = (id: string, day: string) => t.sql`update orders set created_at = ${`${day}T12:00:00Z`}::timestamptz where id = ${id}`;

/** RFC 4180 as our exports write it: no quoted fields in these files (no names with commas). */
const parseCsv = (text: string) => text.split('\r\n').filter(Boolean).map((line) => line.split(','));

// Tenant A's known rows (2,000 an order: burger ×2 + fries).
await enrol(t.a, '+447306580001', 500);                                 // ledger add 500 today
const card = await issueCard(t.a, 3000);                                 // card sold today: 3,000
await place(t.a, { customer: { phone: '+447306580001' }, redeemPoints: 200, giftCard: { code: card.code, amountCents: 800 } });
const cancelled = await place(t.a, { customer: { phone: '+447306580002' } }); // earns 20, reversed on cancel
expect((await t.a.post(`/api/v1/orders/${cancelled.id}/status`, { status: 'cancelled' })).status).toBe(200);
await moveTo((await place(t.a)).id, d3);
await moveTo((await place(t.a)).id, d3);
await moveTo((await place(t.a)).id, d6);
await moveTo((await place(t.a)).id, d7);                                 // one day before the range
await moveTo((await place(t.a)).id, d10);

describe('the range report', () => {
  test("each day counts that day's orders, revenue, points and gift cards, zero-filled, as the rows have them; days outside are left out", async () => {
    const r = await t.a.get(`/api/v1/reports/daily/range?from=${d6}&to=${today}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: d6, to: today, tz: 'UTC' });
    expect(r.body.days).toHaveLength(7);
    const by = Object.fromEntries(r.body.days.map((d: any) => [d.date, d]));
    expect(by[d6]).toMatchObject({ orders: 1, revenueCents: 2000, pointsEarned: 0, giftCardsSoldCents: 0 });
    expect(by[d3]).toMatchObject({ orders: 2, revenueCents: 4000 });
    // Today: the redeeming order (2,000 − 200 points, 800 of it by card, earns 18) and the cancelled one (not revenue).
    expect(by[today]).toMatchObject({
      orders: 2, ordersCancelled: 1, revenueCents: 1800, pointsDiscountCents: 200, giftCardPaidCents: 800,
      pointsEarned: 500 + 18 + 20, pointsRedeemed: 200, pointsReversed: -20,
      giftCardsSold: 1, giftCardsSoldCents: 3000, giftCardRedemptions: 1, giftCardsRedeemedCents: 800,
    });
    const quiet = r.body.days.filter((d: any) => ![d6, d3, today].includes(d.date));
    expect(quiet.map((d: any) => d.orders + d.revenueCents + d.pointsEarned + d.giftCardsSoldCents)).toEqual([0, 0, 0, 0]);

    // The same figures straight from the rows they are counted from.
    const [rows] = await t.sql`select
      (select count(*)::int from orders where tenant_id = ${t.tenantA.id} and created_at >= ${d6}::date and created_at < ${today}::date + 1) as orders,
      (select coalesce(sum(subtotal_cents - points_discount_cents), 0)::int from orders where tenant_id = ${t.tenantA.id}
        and status <> 'cancelled' and created_at >= ${d6}::date and created_at < ${today}::date + 1) as revenue,
      (select coalesce(sum(points), 0)::int from ledger where tenant_id = ${t.tenantA.id} and type in ('earn', 'add')) as earned,
      (select coalesce(-sum(points), 0)::int from ledger where tenant_id = ${t.tenantA.id} and type = 'redeem') as redeemed`;
    const total = (k: string) => r.body.days.reduce((n: number, d: any) => n + d[k], 0);
    expect({ orders: total('orders'), revenue: total('revenueCents'), earned: total('pointsEarned'), redeemed: total('pointsRedeemed') })
      .toEqual({ orders: rows!.orders, revenue: rows!.revenue, earned: rows!.earned, redeemed: rows!.redeemed });
    await expectInvariants(t.sql);
  });

  test('format=csv answers the same figures as the JSON, a row a day, as a download; Accept: text/csv too, and format=json wins', async () => {
    const json = await t.a.get(`/api/v1/reports/daily/range?from=${d6}&to=${today}`);
    const res = await t.app.request(`/api/v1/reports/daily/range?from=${d6}&to=${today}&format=csv`, { headers: { authorization: `Bearer ${t.keyA}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="report-alpha-${d6}-to-${today}.csv"`);
    const text = await res.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...RANGE_HEADER]);
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])))).toEqual(json.body.days.map((d: any) => ({
      date: d.date, tz: 'UTC', scope: 'total', locationId: '', locationCode: '', locationName: '',
      ...Object.fromEntries(RANGE_FIGURES.map((f) => [f, String(d[f])])),
    })));

    const accepted = await t.a.get(`/api/v1/reports/daily/range?from=${d6}&to=${today}`, { accept: 'text/csv' });
    expect(accepted.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(accepted.body).toBe(text);
    const jsonWins = await t.a.get(`/api/v1/reports/daily/range?from=${d6}&to=${today}&format=json`, { accept: 'text/csv' });
    expect(jsonWins.body).toEqual(json.body);
  });

  test('a range that ends before it starts, or covers more than 366 days, is a 400 naming `to` (for CSV too); 366 days are served', async () => {
    for (const path of [`from=${today}&to=${d3}`, 'from=2025-01-01&to=2026-01-02', `from=${today}&to=${d3}&format=csv`]) {
      const r = await t.a.get(`/api/v1/reports/daily/range?${path}`);
      expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 400, code: 'validation_failed' });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['to']);
      expect(r.body.detail).toStartWith('to: ');
    }
    const year = await t.a.get('/api/v1/reports/daily/range?from=2025-01-01&to=2026-01-01');
    expect(year.status).toBe(200);
    expect(year.body.days).toHaveLength(366);
    expect((await t.a.get('/api/v1/reports/daily/range?from=2026-01-01&to=2026-01-01&format=xml')).status).toBe(400);
  });
});

describe('location scope', () => {
  const site = async (name: string, code: string) => {
    const r = await t.b.post('/api/v1/locations', { name, code, timeZone: 'UTC' });
    expect(r.status).toBe(201);
    return r.body as { id: string };
  };
  const tillAt = async (locationId: string, name: string) => {
    const key = await createApiKey(t.sql, t.tenantB.id, name);
    await t.sql`update api_keys set location_id = ${locationId} where id = ${key.id}`;
    return { api: client(t.app, key.apiKey), key: key.apiKey };
  };
  const sites = (async () => {
    const soho = await site('Soho', 'SOHO');
    const camden = await site('Camden', 'CAMD');
    const sohoTill = await tillAt(soho.id, 'Soho till');
    const camdenTill = await tillAt(camden.id, 'Camden till');
    await place(sohoTill.api);
    await moveTo((await place(sohoTill.api)).id, d3);
    await place(camdenTill.api);
    await place(camdenTill.api);
    await place(camdenTill.api);
    return { soho, camden, sohoTill, camdenTill };
  })();

  test("the group's CSV has each day's total and, under it, a row per site that sums to it; the JSON has the same", async () => {
    const { soho, camden } = await sites;
    const json = (await t.b.get(`/api/v1/reports/daily/range?from=${d3}&to=${today}`)).body;
    const [header, ...rows] = parseCsv((await t.b.get(`/api/v1/reports/daily/range?from=${d3}&to=${today}&format=csv`)).body);
    const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    const totals = records.filter((r) => r.scope === 'total');
    expect(totals.map((r) => [r.date, r.orders])).toEqual(json.days.map((d: any) => [d.date, String(d.orders)]));
    const todays = records.filter((r) => r.date === today && r.scope === 'location');
    expect(todays.map((r) => [r.locationCode, r.locationName, r.orders])).toEqual(
      json.days.at(-1).locations.map((l: any) => [l.code ?? '', l.name ?? '', String(l.orders)]));
    expect(todays.find((r) => r.locationId === camden.id)!.revenueCents).toBe('6000');
    expect(todays.find((r) => r.locationId === soho.id)!.orders).toBe('1');
    for (const day of totals) {
      const parts = records.filter((r) => r.date === day.date && r.scope === 'location');
      for (const f of RANGE_FIGURES) expect(parts.reduce((n, r) => n + Number(r[f]), 0)).toBe(Number(day[f]));
    }
  });

  test("a till bound to a site gets its own site's figures only, as JSON and CSV; another site is 403 and no CSV", async () => {
    const { soho, camden, sohoTill } = await sites;
    const [header, ...rows] = parseCsv((await sohoTill.api.get(`/api/v1/reports/daily/range?from=${d3}&to=${today}&format=csv`)).body);
    expect(rows.every((r) => r[header!.indexOf('scope')] === 'total' && r[header!.indexOf('locationId')] === soho.id)).toBe(true);
    expect(rows.map((r) => r[header!.indexOf('orders')])).toEqual(['1', '0', '0', '1']);
    const other = await sohoTill.api.get(`/api/v1/reports/daily/range?from=${d3}&to=${today}&format=csv&locationId=${camden.id}`);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('location_mismatch');
    // The group's key may ask for one site: its rows only.
    const camdenOnly = (await t.b.get(`/api/v1/reports/daily/range?from=${today}&to=${today}&locationId=${camden.id}`)).body;
    expect(camdenOnly.days.map((d: any) => [d.orders, d.locations])).toEqual([[3, undefined]]);
  });

  test("the group's dashboard lists each site's share of the charted range, and its CSV is the group's", async () => {
    const { soho, camden } = await sites;
    await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'bravo password');
    const owner = await signIn(t.app, 'bravo', 'owner@bravo.test', 'bravo password');
    const html = await (await owner.get(`/dashboard?from=${d3}&to=${today}`)).text();
    const rows = [...html.matchAll(/<tr data-site="([^"]*)"><th scope="row">[\s\S]*?<\/th><td class="right">(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([[camden.id, 3], [soho.id, 2], ['', 0]]);
    const csv = await (await owner.get(`/dashboard/report.csv?from=${d3}&to=${today}`)).text();
    expect(csv).toBe((await t.b.get(`/api/v1/reports/daily/range?from=${d3}&to=${today}&format=csv`)).body);
  });
});

describe('the dashboard door', () => {
  test('the dashboard charts the range in its address with titled, described SVG charts; its CSV is the API\'s bytes; a bad range is an inline 400', async () => {
    await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
    const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
    const res = await owner.get(`/dashboard?from=${d6}&to=${today}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ['chart-orders', 'chart-revenue', 'chart-points', 'chart-gift-cards']) {
      expect(html).toContain(`id="${id}" data-from="${d6}" data-to="${today}" data-days="7"`);
      expect(html).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
    }
    expect(html.match(/role="img"/g)).toHaveLength(4);
    expect(html).toMatch(/<title id="chart-orders-title">Orders per day, \d+ \w+ \d{4} – \d+ \w+ \d{4}<\/title>/);
    expect(html).toContain(`<desc id="chart-revenue-desc">${d6}: Revenue £20.00;`);
    expect(html).toContain('>Date</text>');
    expect(html).toContain('>Revenue (GBP)</text>');

    const csv = await owner.get(`/dashboard/report.csv?from=${d6}&to=${today}`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toBe((await t.a.get(`/api/v1/reports/daily/range?from=${d6}&to=${today}&format=csv`)).body);

    for (const [query, message] of [[`from=${today}&to=${d3}`, 'The last day must not be before the first.'],
      ['from=2024-01-01&to=2026-01-01', 'Choose at most 366 days.'], ['from=yesterday&to=', 'Choose a first and a last day']]) {
      const bad = await owner.get(`/dashboard?${query}`);
      expect(bad.status).toBe(400);
      const page = await bad.text();
      expect(page).toContain('id="range-error"');
      expect(page).toContain(message);
      expect(page).not.toContain('role="img"');
      expect(page).toContain('Orders today'); // today's figures still show
      expect((await owner.get(`/dashboard/report.csv?${query}`)).status).toBe(400);
    }
  });
});
