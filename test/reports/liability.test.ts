import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import { generateGiftCardCode } from '../../src/giftCards/code.ts';
import { client, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { burger, expectInvariants, footprint, issueCard } from '../support/fixtures.ts';

// GET /api/v1/reports/gift-cards (issue 13.5): what live cards owe as of the end of `to`, and what was
// sold, redeemed, expired (breakage) and voided in the period, all from the activity ledger, so a past
// period reads as it did then. Every period reconciles: opening + sold − redeemed − expired − voided =
// outstanding.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');

// A book of cards on known dates. The activity ledger is append-only, so history is written the way the
// SQL functions write it (one row per movement, balance kept in step) but with the dates it happened on.
async function card(tenantId: string, at: string, cents: number, expiresAt: string | null = null) {
  const [g] = await t.sql`insert into gift_cards (tenant_id, code, initial_cents, balance_cents, purchased_by, expires_at, created_at)
    values (${tenantId}, ${generateGiftCardCode()}, ${cents}, 0, 'Dated Buyer', ${expiresAt}, ${at}) returning id`;
  await move(g!.id, 'issue', cents, at);
  return g!.id as string;
}
async function move(cardId: string, type: 'issue' | 'redeem' | 'refund' | 'void', cents: number, at: string) {
  const [g] = await t.sql`update gift_cards set balance_cents = balance_cents + ${cents},
      status = case when ${type} = 'void' then 'void' else status end
    where id = ${cardId} returning tenant_id, balance_cents`;
  await t.sql`insert into gift_card_activity (tenant_id, gift_card_id, type, amount_cents, balance_before, balance_after, created_at)
    values (${g!.tenant_id}, ${cardId}, ${type}, ${cents}, ${g!.balance_cents - cents}, ${g!.balance_cents}, ${at})`;
}

// A: live. Redeemed late on 9 January in New York (10 January in UTC), half an order refunded later.
const a = await card(t.tenantA.id, '2026-01-05T10:00:00Z', 10_000);
await move(a, 'redeem', -3000, '2026-01-10T03:00:00Z');
await move(a, 'refund', 1000, '2026-01-20T12:00:00Z');
// B: expires on 15 February with 3,000 left (breakage); a cancelled order refunds 500 onto it in March.
const b = await card(t.tenantA.id, '2026-01-06T10:00:00Z', 5000, '2026-02-15T00:00:00Z');
await move(b, 'redeem', -2000, '2026-01-12T12:00:00Z');
await move(b, 'refund', 500, '2026-03-01T12:00:00Z');
// C: voided on 3 February with all 4,000 on it.
const c = await card(t.tenantA.id, '2026-01-07T10:00:00Z', 4000);
await move(c, 'void', -4000, '2026-02-03T12:00:00Z');
// D: expires on 20 February untouched, and is voided after that: the value broke at expiry, not at the void.
const d = await card(t.tenantA.id, '2026-02-10T10:00:00Z', 2500, '2026-02-20T00:00:00Z');
await move(d, 'void', -2500, '2026-02-25T12:00:00Z');
// Tenant B sells a big card in January.
await card(t.tenantB.id, '2026-01-08T10:00:00Z', 99_999);

type Report = { outstandingCents: number; soldCents: number; redeemedCents: number; expiredCents: number; voidedCents: number;
  openingCents: number; refundedCents: number; asOf: string };

async function report(from: string, to: string, tz = 'UTC', api = t.a): Promise<Report> {
  const r = await api.get(`/api/v1/reports/gift-cards?from=${from}&to=${to}&tz=${tz}`);
  expect(r.status).toBe(200);
  // Every period reconciles with its opening balance.
  const x = r.body as Report;
  expect(x.openingCents + x.soldCents - x.redeemedCents - x.expiredCents - x.voidedCents).toBe(x.outstandingCents);
  return x;
}

describe('gift card liability over a dated book', () => {
  test('January: three cards sold, spend net of a refund, owed at the end of the month', async () => {
    expect(await report('2026-01-01', '2026-01-31')).toMatchObject({
      openingCents: 0, soldCents: 19_000, redeemedCents: 4000, refundedCents: 1000, expiredCents: 0, voidedCents: 0,
      outstandingCents: 15_000, asOf: '2026-02-01T00:00:00.000Z',
    });
  });

  test('February: a void of a live card, two expiries as breakage, and a void after expiry counted once', async () => {
    expect(await report('2026-02-01', '2026-02-28')).toMatchObject({
      openingCents: 15_000, soldCents: 2500, redeemedCents: 0, voidedCents: 4000, expiredCents: 5500, outstandingCents: 8000,
    });
  });

  test('March: a refund onto an expired card is breakage the moment it lands, and the amount owed does not move', async () => {
    expect(await report('2026-03-01', '2026-03-31')).toMatchObject({
      openingCents: 8000, soldCents: 0, redeemedCents: -500, refundedCents: 500, expiredCents: 500, voidedCents: 0, outstandingCents: 8000,
    });
  });

  test('as of a past date mid-month: what was owed then, not now', async () => {
    expect(await report('2026-01-01', '2026-01-15')).toMatchObject({
      soldCents: 19_000, redeemedCents: 5000, outstandingCents: 14_000, asOf: '2026-01-16T00:00:00.000Z',
    });
    // B expires at midnight starting 15 February: still owed at the end of the 13th, not at the end of the 14th.
    expect((await report('2026-02-13', '2026-02-13')).outstandingCents).toBe(8000 + 3000 + 2500);
    expect(await report('2026-02-14', '2026-02-14')).toMatchObject({ outstandingCents: 8000 + 2500, expiredCents: 3000 });
  });

  test('the whole span at once adds up to its months', async () => {
    expect(await report('2026-01-01', '2026-03-31')).toMatchObject({
      openingCents: 0, soldCents: 21_500, redeemedCents: 3500, voidedCents: 4000, expiredCents: 6000, outstandingCents: 8000,
    });
  });

  test('days are local to tz: a redemption late on 9 January in New York falls on the 10th in UTC', async () => {
    expect((await report('2026-01-01', '2026-01-09')).redeemedCents).toBe(0);
    const ny = await report('2026-01-01', '2026-01-09', 'America/New_York');
    expect(ny).toMatchObject({ redeemedCents: 3000, asOf: '2026-01-10T05:00:00.000Z' });
  });

  test('each tenant sees only its own book', async () => {
    expect(await report('2026-01-01', '2026-01-31', 'UTC', t.b)).toMatchObject({ soldCents: 99_999, outstandingCents: 99_999 });
    expect((await report('2026-01-01', '2026-01-31')).soldCents).toBe(19_000);
  });
});

// A tenant of its own, so today's movements are the only ones in its book.
const fresh = await createTenant(t.sql, { slug: 'charlie', name: 'Charlie Cafe' });
const api = client(t.app, fresh.apiKey);

describe('the report through both doors, on cards moved by the real functions today', () => {
  test('issue, checkout spend, cancellation refund, redemption and void today, read by a key, a session and the page', async () => {
    const x = await issueCard(api, 5000);
    const order = await api.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger],
      giftCard: { code: x.code, amountCents: 1700 } });
    expect(order.status).toBe(201);
    expect((await api.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect((await api.post(`/api/v1/gift-cards/${x.code}/redeem`, { amountCents: 1000 })).status).toBe(200);
    const y = await issueCard(api, 3000);
    expect((await api.post(`/api/v1/gift-cards/${y.code}/void`, {})).status).toBe(200);
    await expectInvariants(t.sql);

    const today = new Date().toISOString().slice(0, 10);
    const byKey = await api.get(`/api/v1/reports/gift-cards?from=${today}&to=${today}&tz=UTC`);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ soldCents: 8000, redeemedCents: 1000, refundedCents: 1700, voidedCents: 3000, expiredCents: 0,
      outstandingCents: 4000, openingCents: 0 });
    // The end of today is in the future: the amount owed is as of now.
    expect(Date.parse(byKey.body.asOf)).toBeLessThanOrEqual(Date.now());

    await createAdmin(t.sql, fresh.tenant.id, 'owner@charlie.test', 'owner password');
    const charlie = await signIn(t.app, 'charlie', 'owner@charlie.test', 'owner password');
    const bySession = await charlie.api().get(`/api/v1/reports/gift-cards?from=${today}&to=${today}&tz=UTC`);
    expect({ ...bySession.body, asOf: null }).toEqual({ ...byKey.body, asOf: null });
    const panel = await (await charlie.get(`/gift-cards/liability?from=${today}&to=${today}`, { 'hx-request': 'true' })).text();
    expect(panel).toMatch(/id="gcl-outstanding">£40\.00</);
    expect(panel).toMatch(/id="gcl-sold">£80\.00</);
    expect(panel).toMatch(/id="gcl-voided">£30\.00</);
    // Defaults: month to date, ending today.
    const defaults = await api.get('/api/v1/reports/gift-cards');
    expect(defaults.body).toMatchObject({ to: today, from: `${today.slice(0, 8)}01`, outstandingCents: 4000 });
  });
});

describe('refusals', () => {
  test('bad periods and zones are 400 problems that change nothing, through the API and on the page', async () => {
    const before = await footprint(t.sql);
    for (const bad of ['from=2026-02-01&to=2026-01-01', 'from=2026-02-30&to=2026-03-01', 'tz=Mars/Olympus', 'to=yesterday']) {
      const r = await t.a.get(`/api/v1/reports/gift-cards?${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }
    const page = await owner.get('/gift-cards/liability?from=2026-02-01&to=2026-01-01', { 'hx-request': 'true' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('must not be before from');
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('a key bound to one site may not read the group’s liability: 403', async () => {
    const [site] = await t.sql`insert into locations (tenant_id, name, code, time_zone)
      values (${t.tenantA.id}, 'Harbour', 'HBR', 'Europe/London') returning id`;
    const till = client(t.app, (await createApiKey(t.sql, t.tenantA.id, 'Harbour till', site!.id)).apiKey);
    const r = await till.get('/api/v1/reports/gift-cards');
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });
});
