import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { burger, enrol, issueCard } from '../support/fixtures.ts';

// A customer's visit history: their orders and the gift cards they bought, through both doors.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const [{ id: home }] = await t.sql`insert into locations (tenant_id, name, code, time_zone)
  values (${t.tenantA.id}, 'Harbour Street', 'HARB', 'Europe/London') returning id`;
const [{ id: away }] = await t.sql`insert into locations (tenant_id, name, code, time_zone)
  values (${t.tenantA.id}, 'Market Square', 'MRKT', 'Europe/London') returning id`;

const ada = await enrol(t.a, '+447306504001', 0, 'Ada Visitor');
const other = await enrol(t.a, '+447306504002', 0, 'Someone Else');
const order = async (phone: string, locationId: string) => {
  const r = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone }, locationId });
  expect(r.status).toBe(201);
  return r.body as { id: string; orderNumber: string };
};
const atHome = await order(ada.phone, home);
const atAway = await order(ada.phone, away);
const notHers = await order(other.phone, home);
// Cards are hers by the link recorded when sold (customerId), whatever buyer text was typed.
const byName = await issueCard(t.a, 2500, { purchasedBy: 'Ada Visitor', customerId: ada.id });
const byPhone = await issueCard(t.a, 1000, { purchasedBy: 'her partner', customerId: ada.id });
const someoneElses = await issueCard(t.a, 1500, { purchasedBy: 'Someone Else', customerId: other.id });
// Her name typed at the till without the link: the text alone no longer makes a card hers.
const textOnly = await issueCard(t.a, 1200, { purchasedBy: 'Ada Visitor' });

describe("a customer's visit history", () => {
  test('the API lists her orders newest first with number, total, status and site, and no one else\'s', async () => {
    const r = await t.a.get(`/api/v1/customers/${ada.id}/orders`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((o: any) => o.id)).toEqual([atAway.id, atHome.id]);
    expect(r.body.data[0]).toMatchObject({ orderNumber: atAway.orderNumber, status: 'pending', subtotalCents: 1700, locationName: 'Market Square' });
    expect(JSON.stringify(r.body)).not.toContain(notHers.id);
  });

  test('the API pages her orders by cursor', async () => {
    const first = await t.a.get(`/api/v1/customers/${ada.id}/orders?limit=1`);
    const second = await t.a.get(`/api/v1/customers/${ada.id}/orders?limit=1&cursor=${first.body.nextCursor}`);
    expect([first.body.data[0].id, second.body.data[0].id, second.body.nextCursor]).toEqual([atAway.id, atHome.id, null]);
  });

  test('a till bound to one site sees only the orders she placed there', async () => {
    const till = await createApiKey(t.sql, t.tenantA.id, 'Harbour till', home);
    const r = await t.app.request(`/api/v1/customers/${ada.id}/orders`, { headers: { authorization: `Bearer ${till.apiKey}` } });
    expect((await r.json()).data.map((o: any) => o.id)).toEqual([atHome.id]);
  });

  test('the gift cards she bought are those linked to her when sold, not those whose buyer text reads like her', async () => {
    const r = await t.a.get(`/api/v1/customers/${ada.id}/gift-cards`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((g: any) => g.code)).toEqual([byPhone.code, byName.code]);
    expect(r.body.data.map((g: any) => g.customerId)).toEqual([ada.id, ada.id]);
    expect(JSON.stringify(r.body)).not.toContain(someoneElses.code);
    expect(JSON.stringify(r.body)).not.toContain(textOnly.code);
    const [row] = await t.sql`select purchaser_customer_id from gift_cards where id = ${textOnly.id}`;
    expect(row.purchaser_customer_id).toBeNull();
  });

  test('the read is an index lookup by the link (gift_cards_purchaser), never a scan of the tenant\'s cards', async () => {
    // The planner scans a table this small anyway; with scans priced out it must still have the index to use.
    const plan = await t.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return tx`explain select gift_card_json(g) from gift_cards g
        where g.tenant_id = ${t.tenantA.id} and g.purchaser_customer_id = ${ada.id} order by g.seq desc limit 100`;
    });
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('gift_cards_purchaser');
    expect(text).not.toContain('Sort');
  });

  test("another tenant's key gets 404 for her history; an id that is no id is 400", async () => {
    for (const path of [`/api/v1/customers/${ada.id}/orders`, `/api/v1/customers/${ada.id}/gift-cards`]) {
      const r = await t.b.get(path);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 404, code: 'not_found' });
    }
    const bad = await t.a.get('/api/v1/customers/not-an-id/orders');
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation_failed' });
  });

  test('the admin customer page shows the same orders and gift cards', async () => {
    const res = await owner.get(`/customers/${ada.id}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    for (const s of [atHome.orderNumber, atAway.orderNumber, 'Market Square', 'Harbour Street', '£17.00', byName.code, byPhone.code]) {
      expect(html).toContain(s);
    }
    expect(html).not.toContain(notHers.orderNumber);
    expect(html).not.toContain(someoneElses.code);
    expect(html).not.toContain(textOnly.code);
  });

  test('the cookie-authenticated API answers the admin exactly what the key gets', async () => {
    const viaCookie = await owner.api().get(`/api/v1/customers/${ada.id}/orders`);
    const viaKey = await t.a.get(`/api/v1/customers/${ada.id}/orders`);
    expect(viaCookie.body).toEqual(viaKey.body);
  });
});
