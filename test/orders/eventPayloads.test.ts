import { describe, expect, test } from 'bun:test';
import { eventCatalogue } from '../../src/events/catalogue.ts';
import { envelopeSchema } from '../../src/realtime/envelope.ts';
import { testApp } from '../support/app.ts';
import { burger, enrol, issueCard } from '../support/fixtures.ts';

const t = await testApp();

describe('event payloads', () => {
  test('every event that orders, gift cards and reconciliation emit matches its catalogue schema exactly', async () => {
    await enrol(t.a, '+447306600001', 500);
    const card = await issueCard(t.a, 2000, { recipientName: 'Robin', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const order = (await t.a.post('/api/v1/orders', {
      source: 'online', orderType: 'delivery', customer: { phone: '+447306600002', name: 'New Person' }, items: [burger],
      giftCard: { code: card.code, amountCents: 500 },
    })).body;
    const mixed = (await t.a.post('/api/v1/orders', {
      source: 'pos', orderType: 'dine_in', customer: { phone: '+447306600001' }, items: [burger], redeemPoints: 100,
      giftCard: { code: card.code, amountCents: 300 }, specialInstructions: 'window seat',
    })).body;
    expect((await t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'preparing' })).status).toBe(200);
    // The new customer spends the 17 points the order earned, so its cancellation falls short.
    expect((await t.a.post(`/api/v1/customers/${order.customerId}/points/redeem`, { points: 17 })).status).toBe(200);
    expect((await t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect((await t.a.post(`/api/v1/orders/${mixed.id}/status`, { status: 'cancelled' })).status).toBe(200);
    await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 100 });
    await t.a.post(`/api/v1/gift-cards/${card.code}/void`, {});
    const [item] = await t.sql`select id from reconciliation_queue where tenant_id = ${t.tenantA.id}`;
    expect((await t.a.post(`/api/v1/reconciliation/${item.id}/resolve`, { note: 'ok' })).status).toBe(200);

    const rows = await t.sql`select id, type, data from events where tenant_id = ${t.tenantA.id} order by id`;
    const types = new Set(rows.map((r) => r.type));
    for (const type of ['new_order', 'order_updated', 'gift_card_purchased', 'gift_card_redeemed', 'gift_card_updated', 'reconciliation_resolved']) {
      expect(types.has(type)).toBe(true);
    }
    for (const row of rows) {
      const schema = eventCatalogue[row.type];
      expect(schema).toBeDefined();
      const parsed = schema.safeParse(row.data);
      if (!parsed.success) throw new Error(`${row.type} #${row.id}: ${JSON.stringify(parsed.error.issues)}`);
    }
    // And as an envelope from the JSON catch-up endpoint.
    const feed = await t.a.get('/api/v1/events?after=0&limit=200');
    for (const e of feed.body.data) envelopeSchema(e.type, eventCatalogue[e.type]).parse(e);
  });

  test('the AsyncAPI document describes the order and gift card events', async () => {
    const r = await t.anon.get('/asyncapi.json');
    expect(r.status).toBe(200);
    const messages = Object.keys(r.body.channels.tenantEvents.messages);
    expect(messages).toEqual(expect.arrayContaining(['new_order', 'order_updated', 'gift_card_purchased', 'gift_card_redeemed', 'gift_card_updated', 'reconciliation_resolved']));
  });
});
