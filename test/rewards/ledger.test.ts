import { describe, expect, test } from 'bun:test';
import { createAdmin, signIn } from '../support/admin.ts';
import { testApp } from '../support/app.ts';
import { CLEAN, burger, enrol, invariants } from '../support/fixtures.ts';

// The ledger's own JSON names what 0015 and 0016 added (sql/0024_ledger_names_rewards.sql): the
// reward a redemption spent its points on, and when a lot expires. One definition, so the transactions
// list, a plain redemption's transaction and an order's ledger rows all say the same.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api(); // owners keep the menu
let phones = 0;
const phone = () => `+4473078${String(++phones).padStart(5, '0')}`;
const transactions = async (customerId: string, api = t.a) => {
  const res = await api.get(`/api/v1/customers/${customerId}/transactions`);
  expect(res.status).toBe(200);
  return res.body.data as Array<Record<string, unknown>>;
};

describe('the transactions list', () => {
  test('a reward redemption carries rewardId and the reward name; other rows carry null', async () => {
    const r = await owner.post('/api/v1/rewards', { name: 'Free scone', pointsCost: 60, freeItem: 'Scone' });
    expect(r.status).toBe(201);
    const c = await enrol(t.a, phone(), 100);
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 5 })).status).toBe(200);
    const redeemed = await t.a.post(`/api/v1/customers/${c.id}/rewards/${r.body.id}/redeem`, {});
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.transaction).toMatchObject({ rewardId: r.body.id, rewardName: 'Free scone' });

    const list = await transactions(c.id);
    expect(list.map((l) => [l.type, l.points, l.rewardId, l.rewardName])).toEqual([
      ['redeem', -60, r.body.id, 'Free scone'], ['redeem', -5, null, null], ['add', 100, null, null],
    ]);
    expect(list[0]).toMatchObject({ id: redeemed.body.transaction.id, reason: 'Reward Free scone' });
    const [row] = await t.sql`select reward_id from ledger where id = ${redeemed.body.transaction.id}`;
    expect(row.reward_id).toBe(r.body.id);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('a reward taken at checkout names it in the list and in the order\'s ledger rows; a rename shows the new name', async () => {
    const r = await owner.post('/api/v1/rewards', { name: '£2 off', pointsCost: 40, discountCents: 200 });
    const c = await enrol(t.a, phone(), 50);
    const order = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: c.phone }, rewardId: r.body.id });
    expect(order.status).toBe(201);
    expect((await owner.patch(`/api/v1/rewards/${r.body.id}`, { name: '£2 off (old)' })).status).toBe(200);

    const redeem = (await transactions(c.id)).find((l) => l.type === 'redeem');
    expect(redeem).toMatchObject({ points: -40, orderId: order.body.id, rewardId: r.body.id, rewardName: '£2 off (old)', reason: `Reward £2 off at checkout ${order.body.orderNumber}` });
    const earn = (await transactions(c.id)).find((l) => l.type === 'earn');
    expect(earn).toMatchObject({ rewardId: null, rewardName: null });
    const detail = await t.a.get(`/api/v1/orders/${order.body.id}/detail`);
    expect(detail.status).toBe(200);
    expect(detail.body.ledger.find((l: { type: string }) => l.type === 'redeem')).toMatchObject({ rewardId: r.body.id });
  });

  test('a lot carries when it expires while expiry is on; spends, and every row once expiry is off, carry null', async () => {
    const api = t.b; // its own tenant: switching expiry here changes nothing the other tests see
    const on = await api.patch('/api/v1/settings', { pointsExpireAfterDays: 30 });
    expect(on.status).toBe(200);
    const c = await enrol(api, phone(), 70);
    expect((await api.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 20 })).status).toBe(200);

    const [spend, lot] = await transactions(c.id, api);
    expect(spend).toMatchObject({ type: 'redeem', expiresAt: null });
    const [row] = await t.sql`select created_at, expires_at from ledger where id = ${lot.id as string}`;
    expect(lot.type).toBe('add');
    expect(new Date(lot.expiresAt as string).getTime()).toBe(row.expires_at.getTime());
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(30 * 86_400_000);

    expect((await api.patch('/api/v1/settings', { pointsExpireAfterDays: null })).status).toBe(200);
    expect((await transactions(c.id, api)).map((l) => l.expiresAt)).toEqual([null, null]);
  });
});
