import { expect } from 'bun:test';
import type { Api } from '../support/app.ts';
import { burger, enrol, fries, issueCard } from '../support/fixtures.ts';
import type { Sql } from '../../src/platform/database.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';

/**
 * One real thing of each kind for a tenant, so a hostile value reaches the code behind the 404: a
 * customer with points to spend, a pending order, a gift card with a balance, an open reconciliation
 * item, a spare API key. Keyed by the collection segment a path names them under.
 */
export async function seedTenant(sql: Sql, api: Api, tenantId: string, phones: [string, string]): Promise<Record<string, string>> {
  const customer = await enrol(api, phones[0], 10_000, 'Fuzz Customer');
  const order = await api.post('/api/v1/orders', {
    source: 'pos', orderType: 'collection', items: [burger, fries], customer: { phone: phones[0] },
  });
  expect(order.status).toBe(201);
  const card = await issueCard(api, 50_00);

  // A cancelled order whose claw-back fell short: an open reconciliation item.
  const short = await enrol(api, phones[1]);
  const spent = await api.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: phones[1] } });
  expect(spent.status).toBe(201);
  expect((await api.post(`/api/v1/customers/${short.id}/points/redeem`, { points: spent.body.pointsEarned })).status).toBe(200);
  expect((await api.post(`/api/v1/orders/${spent.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
  const [item] = await sql`select id from reconciliation_queue where order_id = ${spent.body.id}`;
  const key = await createApiKey(sql, tenantId, 'fuzz spare');
  // Rewards are managed by owners only (a key is refused), so the seed writes one directly.
  const [reward] = await sql`insert into rewards (tenant_id, name, points_cost, free_item) values (${tenantId}, 'Fuzz coffee', 100, 'Coffee') returning id`;

  // Webhooks likewise (owners only); .invalid never resolves, so nothing could be delivered anywhere.
  const [webhook] = await sql`insert into webhooks (tenant_id, url, secret) values (${tenantId}, 'https://hook.example.invalid/fuzz', 'whsec_fuzz') returning id`;

  return {
    webhooks: webhook.id,
    customers: customer.id, pos: customer.id, orders: order.body.id, 'gift-cards': card.code,
    reconciliation: item.id, keys: key.id, rewards: reward.id,
  };
}
