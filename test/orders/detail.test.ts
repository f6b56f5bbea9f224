import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { client, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { burger, enrol, footprint, issueCard } from '../support/fixtures.ts';

// One order and everything it moved, through both doors: GET /api/v1/orders/{id}/detail and the admin's
// order page and receipts, which read the same orderDetail.

const t = await testApp();
const owner = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const admin = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');

const customer = await enrol(t.a, '+447306590011', 200, 'Dana Detail');
const card = await issueCard(t.a, 1000);
const placed = await t.a.post('/api/v1/orders', {
  source: 'pos', orderType: 'dine_in', customer: { phone: '+447306590011' }, items: [burger],
  redeemPoints: 100, giftCard: { code: card.code, amountCents: 300 }, specialInstructions: 'No onions',
});
const order = placed.body as { id: string; orderNumber: string; pointsEarned: number };
// Moved on by the admin in the browser's way (their session), then cancelled by the key: two actors.
expect((await admin.api().post(`/api/v1/orders/${order.id}/status`, { status: 'preparing' })).status).toBe(200);
expect((await t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'cancelled' })).status).toBe(200);
const [keyRow] = await t.sql`select id, name from api_keys where tenant_id = ${t.tenantA.id} order by created_at limit 1`;

describe('GET /api/v1/orders/{id}/detail', () => {
  test('holds the order, its status changes with who made each, and exactly the ledger rows and gift card movements it wrote', async () => {
    expect(placed.status).toBe(201);
    const r = await t.a.get(`/api/v1/orders/${order.id}/detail`);
    expect(r.status).toBe(200);
    const { order: o, statusHistory, ledger, giftCardActivity } = r.body;
    expect(o).toEqual((await t.a.get(`/api/v1/orders/${order.id}`)).body);
    expect(o.status).toBe('cancelled');
    expect(statusHistory.map((h: any) => [h.fromStatus, h.toStatus, h.actor, h.actorName])).toEqual([
      [null, 'pending', `key:${keyRow.id}`, `API key ${keyRow.name}`],
      ['pending', 'preparing', `admin:${owner}`, 'owner@alpha.test'],
      ['preparing', 'cancelled', `key:${keyRow.id}`, `API key ${keyRow.name}`],
    ]);
    const rows = await t.sql`select id, type, points from ledger where order_id = ${order.id} order by seq`;
    expect(ledger.map((l: any) => [l.id, l.type, l.points])).toEqual(rows.map((l) => [l.id, l.type, l.points]));
    expect(ledger.map((l: any) => l.type)).toEqual(['redeem', 'earn', 'reversal', 'reversal']);
    expect(ledger.every((l: any) => l.customerId === customer.id && l.orderId === order.id)).toBe(true);
    const moves = await t.sql`select id, type, amount_cents from gift_card_activity where order_id = ${order.id} order by seq`;
    expect(giftCardActivity.map((a: any) => [a.id, a.type, a.amountCents])).toEqual(moves.map((a) => [a.id, a.type, a.amount_cents]));
    expect(giftCardActivity.map((a: any) => [a.type, a.amountCents])).toEqual([['redeem', -300], ['refund', 300]]);
  });

  test('an order with no customer or card has empty movements; an unknown id is 404, a malformed one 400, and nothing changes', async () => {
    const plain = (await t.a.post('/api/v1/orders', { source: 'online', orderType: 'collection', items: [burger] })).body;
    const r = await t.a.get(`/api/v1/orders/${plain.id}/detail`);
    expect(r.body).toMatchObject({ ledger: [], giftCardActivity: [], statusHistory: [{ fromStatus: null, toStatus: 'pending' }] });
    const before = await footprint(t.sql);
    const missing = await t.a.get(`/api/v1/orders/${crypto.randomUUID()}/detail`);
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 404, code: 'not_found' });
    for (const id of ['not-a-uuid', '1']) {
      const bad = await t.a.get(`/api/v1/orders/${id}/detail`);
      expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation_failed' });
      // The admin door has no id schema: a page that cannot exist is simply not found.
      expect((await admin.get(`/orders/${id}`)).status).toBe(404);
    }
    expect(await footprint(t.sql)).toEqual(before);
  });

  test("another tenant gets 404 for this tenant's order, exactly as for one that does not exist, through both doors", async () => {
    const foreign = await t.b.get(`/api/v1/orders/${order.id}/detail`);
    const missing = await t.b.get(`/api/v1/orders/${crypto.randomUUID()}/detail`);
    expect(foreign.status).toBe(404);
    expect({ status: missing.status, body: missing.body }).toEqual({ status: foreign.status, body: foreign.body });
    await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'correct horse');
    const bravo = await signIn(t.app, 'bravo', 'owner@bravo.test', 'correct horse');
    for (const path of [`/orders/${order.id}`, `/orders/${order.id}/receipt?view=customer`]) {
      const page = await bravo.get(path);
      expect(page.status).toBe(404);
      expect(await page.text()).not.toContain(order.orderNumber);
    }
  });

  test("a caller bound to one site reads its own site's orders and gets 404 for another site's", async () => {
    const site = async (code: string) => (await t.a.post('/api/v1/locations', { name: code, code, timeZone: 'Europe/London' })).body.id as string;
    const [soho, camden] = [await site('SOHO'), await site('CAMDEN')];
    const tillAt = async (loc: string) => {
      const key = await createApiKey(t.sql, t.tenantA.id, `till ${loc}`);
      await t.sql`update api_keys set location_id = ${loc} where id = ${key.id}`;
      return client(t.app, key.apiKey);
    };
    const sohoTill = await tillAt(soho);
    const camdenTill = await tillAt(camden);
    const atSoho = (await sohoTill.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body;
    expect((await sohoTill.get(`/api/v1/orders/${atSoho.id}/detail`)).status).toBe(200);
    expect((await camdenTill.get(`/api/v1/orders/${atSoho.id}/detail`)).status).toBe(404);
    expect((await camdenTill.get(`/api/v1/orders?q=${atSoho.orderNumber}`)).body.data).toEqual([]);
    expect((await t.a.get(`/api/v1/orders/${atSoho.id}/detail`)).status).toBe(200);
    // The admin door: a staff admin limited to Camden is refused Soho's order page the same way.
    const staff = await createAdmin(t.sql, t.tenantA.id, 'camden@alpha.test', 'correct horse', 'staff');
    await t.sql`update admins set location_id = ${camden} where id = ${staff}`;
    const camdenAdmin = await signIn(t.app, 'alpha', 'camden@alpha.test', 'correct horse');
    expect((await camdenAdmin.get(`/orders/${atSoho.id}`)).status).toBe(404);
    expect((await admin.get(`/orders/${atSoho.id}`)).status).toBe(200);
  });
});

describe('the admin order page and receipts read the same detail', () => {
  test('the order page shows the items, each status change with its actor, the ledger rows and the gift card movements', async () => {
    const r = await admin.get(`/orders/${order.id}`);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain(`Order ${order.orderNumber}`);
    expect(html).toContain('Burger');
    expect(html).toContain('No onions');
    expect(html).toContain('pending → preparing');
    expect(html).toContain('owner@alpha.test');
    expect(html).toContain(`API key ${keyRow.name}`);
    const ledger = (await t.a.get(`/api/v1/orders/${order.id}/detail`)).body.ledger as { id: string }[];
    for (const l of ledger) expect(html).toContain(`data-ledger-id="${l.id}"`);
    expect(html.match(/data-activity-id=/g)).toHaveLength(2);
  });

  test('the kitchen ticket has the items and note but no prices; the customer receipt has prices, discounts and total', async () => {
    const kitchen = await (await admin.get(`/orders/${order.id}/receipt?view=kitchen`)).text();
    expect(kitchen).toContain(order.orderNumber);
    expect(kitchen).toContain('NOTE: No onions');
    expect(kitchen).not.toContain('£');
    const receipt = await (await admin.get(`/orders/${order.id}/receipt?view=customer`)).text();
    expect(receipt).toContain('£17.00');
    expect(receipt).toContain('Gift card');
    expect(receipt).toContain('CANCELLED');
  });

  test('the History view finds orders by the same rules, and names a bad date or a backwards range under its field with a 400', async () => {
    const found = await admin.get(`/orders/history?q=${encodeURIComponent('dana')}`);
    expect(found.status).toBe(200);
    const html = await found.text();
    expect(html).toContain(`href="/alpha/admin/orders/${order.id}"`);
    expect(html.match(/<th scope="row"/g)).toHaveLength(1);
    const backwards = await admin.get('/orders/history?from=2026-07-02&to=2026-07-01');
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain('to must not be before from');
    const badDay = await admin.get('/orders/history?from=2026-13-01');
    expect(badDay.status).toBe(400);
    expect(await badDay.text()).toMatch(/id="history-from-error"[^>]*>A day as YYYY-MM-DD/);
    const badCursor = await admin.get('/orders/history/rows?cursor=nonsense');
    expect(badCursor.status).toBe(400);
  });
});
