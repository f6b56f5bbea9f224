import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { eventCatalogue } from '../../src/events/catalogue.ts';
import { CLEAN, burger, enrol, eventsAfter, invariants, lastEventId } from '../support/fixtures.ts';

// The rewards menu and redeeming a reward (issue 13, item 1; sql/0015_rewards.sql), over HTTP against
// real Postgres: owners manage the menu, anyone at the counter redeems, and a redemption is a plain
// redemption of the reward's cost that names the reward.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
const ownerA = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api();
const staffA = (await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password')).api();
const ownerB = (await signIn(t.app, 'bravo', 'owner@bravo.test', 'owner password')).api();

let phones = 0;
const phone = () => `+4473077${String(++phones).padStart(5, '0')}`;
const ledgerOf = (customerId: string) => t.sql`select type, points, reward_id, reason from ledger where customer_id = ${customerId} order by seq`;

async function reward(body: Record<string, unknown>, api = ownerA) {
  const res = await api.post('/api/v1/rewards', body);
  expect(res.status).toBe(201);
  return res.body as Record<string, unknown> & { id: string; name: string; pointsCost: number };
}

describe('the rewards menu', () => {
  test('an owner adds a discount reward and a free-item reward; they list cheapest first with exactly one kind each', async () => {
    const five = await reward({ name: '£5 off', pointsCost: 250, discountCents: 500 });
    const coffee = await reward({ name: 'Free coffee', pointsCost: 100, freeItem: 'Coffee' });
    expect(coffee).toEqual({ id: expect.any(String), name: 'Free coffee', pointsCost: 100, freeItem: 'Coffee', active: true, createdAt: expect.any(String) });
    expect(five).not.toHaveProperty('freeItem');
    const list = await t.a.get('/api/v1/rewards');
    expect(list.status).toBe(200);
    const ids = list.body.data.map((r: { id: string }) => r.id);
    expect(ids.indexOf(coffee.id)).toBeLessThan(ids.indexOf(five.id));
    const [row] = await t.sql`select discount_cents, free_item, tenant_id from rewards where id = ${five.id}`;
    expect(row).toEqual({ discount_cents: 500, free_item: null, tenant_id: t.tenantA.id });
  });

  test('an owner renames, reprices, switches the kind of, and deactivates a reward; events say so', async () => {
    const r = await reward({ name: 'Cake', pointsCost: 300, freeItem: 'Cake' });
    const before = await lastEventId(t.sql, t.tenantA.id);
    const res = await ownerA.patch(`/api/v1/rewards/${r.id}`, { name: 'Cake off', pointsCost: 320, discountCents: 400, active: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Cake off', pointsCost: 320, discountCents: 400, active: false });
    expect(res.body).not.toHaveProperty('freeItem');
    const [row] = await t.sql`select name, points_cost, discount_cents, free_item, active from rewards where id = ${r.id}`;
    expect(row).toEqual({ name: 'Cake off', points_cost: 320, discount_cents: 400, free_item: null, active: false });
    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['reward_updated']);
  });

  test('POST /rewards is idempotent under the same Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'reward-once' };
    const body = { name: 'Once only', pointsCost: 42, freeItem: 'Tea' };
    const first = await ownerA.post('/api/v1/rewards', body, key);
    const again = await ownerA.post('/api/v1/rewards', body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const [{ n }] = await t.sql`select count(*)::int as n from rewards where name = 'Once only'`;
    expect(n).toBe(1);
  });

  test.each([
    ['both kinds', { name: 'X', pointsCost: 10, discountCents: 100, freeItem: 'Tea' }],
    ['neither kind', { name: 'X', pointsCost: 10 }],
    ['a zero cost', { name: 'X', pointsCost: 0, freeItem: 'Tea' }],
    ['a cost past one change of points', { name: 'X', pointsCost: 1_000_001, freeItem: 'Tea' }],
    ['a discount past an order total', { name: 'X', pointsCost: 10, discountCents: 100_000_001 }],
    ['a fractional cost', { name: 'X', pointsCost: 1.5, freeItem: 'Tea' }],
    ['an empty name', { name: '  ', pointsCost: 10, freeItem: 'Tea' }],
    ['a name of 101 characters', { name: 'x'.repeat(101), pointsCost: 10, freeItem: 'Tea' }],
    ['an unknown field', { name: 'X', pointsCost: 10, freeItem: 'Tea', tenantId: 'nope' }],
  ])('a reward with %s is a 400 that adds nothing', async (_, body) => {
    const [{ n: before }] = await t.sql`select count(*)::int as n from rewards`;
    const res = await ownerA.post('/api/v1/rewards', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    const [{ n: after }] = await t.sql`select count(*)::int as n from rewards`;
    expect(after).toBe(before);
  });

  test('a patch naming both kinds, or nothing, is a 400 that changes nothing', async () => {
    const r = await reward({ name: 'Muffin', pointsCost: 90, freeItem: 'Muffin' });
    expect((await ownerA.patch(`/api/v1/rewards/${r.id}`, { discountCents: 100, freeItem: 'Tea' })).status).toBe(400);
    expect((await ownerA.patch(`/api/v1/rewards/${r.id}`, {})).status).toBe(400);
    const [row] = await t.sql`select free_item, discount_cents from rewards where id = ${r.id}`;
    expect(row).toEqual({ free_item: 'Muffin', discount_cents: null });
  });

  test('staff and API keys read the menu but may not change it (403); another tenant sees none of it and patches nothing (404)', async () => {
    const r = await reward({ name: 'Owners only', pointsCost: 77, freeItem: 'Tea' });
    expect((await staffA.get('/api/v1/rewards')).status).toBe(200);
    for (const who of [staffA, t.a]) {
      expect((await who.post('/api/v1/rewards', { name: 'Nope', pointsCost: 1, freeItem: 'Tea' })).body.code).toBe('forbidden');
      expect((await who.patch(`/api/v1/rewards/${r.id}`, { active: false })).status).toBe(403);
    }
    expect((await ownerB.patch(`/api/v1/rewards/${r.id}`, { active: false })).status).toBe(404);
    expect((await t.b.get('/api/v1/rewards')).body.data.map((x: { id: string }) => x.id)).not.toContain(r.id);
    const [row] = await t.sql`select active from rewards where id = ${r.id}`;
    expect(row.active).toBe(true);
    expect(await t.sql`select 1 from rewards where name = 'Nope'`).toHaveLength(0);
  });
});

describe('redeeming a reward', () => {
  test('spends its cost in one redeem ledger row naming the reward, and the event names it too', async () => {
    const coffee = await reward({ name: 'Free latte', pointsCost: 100, freeItem: 'Latte' });
    const c = await enrol(t.a, phone(), 140);
    const before = await lastEventId(t.sql, t.tenantA.id);
    const res = await staffA.post(`/api/v1/customers/${c.id}/rewards/${coffee.id}/redeem`, {});
    expect(res.status).toBe(200);
    expect(res.body.transaction).toMatchObject({ type: 'redeem', points: -100, balanceBefore: 140, balanceAfter: 40, rewardId: coffee.id });
    expect(res.body.customer).toMatchObject({ id: c.id, pointsBalance: 40, totalPointsRedeemed: 100 });
    expect(res.body.reward).toMatchObject({ id: coffee.id, name: 'Free latte', pointsCost: 100 });
    expect((await ledgerOf(c.id)).at(-1)).toEqual({ type: 'redeem', points: -100, reward_id: coffee.id, reason: 'Reward Free latte' });
    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('loyalty_updated');
    expect(events[0].data).toMatchObject({ transactionType: 'redeem', pointsChange: -100, rewardId: coffee.id, rewardName: 'Free latte' });
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('a plain redemption afterwards in the same session names no reward', async () => {
    const c = await enrol(t.a, phone(), 50);
    const before = await lastEventId(t.sql, t.tenantA.id);
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 10 })).status).toBe(200);
    expect((await ledgerOf(c.id)).at(-1)?.reward_id).toBeNull();
    const [event] = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(event.data).not.toHaveProperty('rewardId');
  });

  test('a balance short of the cost is 409 insufficient_points and writes nothing', async () => {
    const r = await reward({ name: 'Big one', pointsCost: 500, discountCents: 1000 });
    const c = await enrol(t.a, phone(), 499);
    const before = await lastEventId(t.sql, t.tenantA.id);
    const res = await t.a.post(`/api/v1/customers/${c.id}/rewards/${r.id}/redeem`, {});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'insufficient_points', available: 499, requested: 500 });
    expect(await ledgerOf(c.id)).toHaveLength(1);
    expect(await eventsAfter(t.sql, t.tenantA.id, before)).toHaveLength(0);
  });

  test('an inactive reward is 409 reward_inactive and writes nothing', async () => {
    const r = await reward({ name: 'Retired', pointsCost: 10, freeItem: 'Tea', active: false });
    const c = await enrol(t.a, phone(), 100);
    const res = await t.a.post(`/api/v1/customers/${c.id}/rewards/${r.id}/redeem`, {});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'reward_inactive', rewardId: r.id });
    expect(await ledgerOf(c.id)).toHaveLength(1);
  });

  test("another tenant's reward, or customer, is 404 and writes nothing", async () => {
    const theirs = await reward({ name: 'Bravo coffee', pointsCost: 10, freeItem: 'Coffee' }, ownerB);
    const ours = await reward({ name: 'Alpha coffee', pointsCost: 10, freeItem: 'Coffee' });
    const c = await enrol(t.a, phone(), 100);
    const cross = await t.a.post(`/api/v1/customers/${c.id}/rewards/${theirs.id}/redeem`, {});
    expect(cross.status).toBe(404);
    expect(cross.body.code).toBe('not_found');
    expect((await t.b.post(`/api/v1/customers/${c.id}/rewards/${theirs.id}/redeem`, {})).status).toBe(404);
    expect((await t.b.post(`/api/v1/customers/${c.id}/rewards/${ours.id}/redeem`, {})).status).toBe(404);
    expect((await t.a.post(`/api/v1/customers/${c.id}/rewards/not-a-uuid/redeem`, {})).status).toBe(400);
    expect(await ledgerOf(c.id)).toHaveLength(1);
  });

  test('concurrent redemptions never overspend: with 250 points, of 8 redeems of 100 exactly 2 succeed', async () => {
    const r = await reward({ name: 'Race', pointsCost: 100, freeItem: 'Tea' });
    const c = await enrol(t.a, phone(), 250);
    const results = await Promise.all(Array.from({ length: 8 }, () => t.a.post(`/api/v1/customers/${c.id}/rewards/${r.id}/redeem`, {})));
    expect(results.map((x) => x.status).sort()).toEqual([200, 200, 409, 409, 409, 409, 409, 409]);
    const [row] = await t.sql`select points_balance from customers where id = ${c.id}`;
    expect(row.points_balance).toBe(50);
    expect((await ledgerOf(c.id)).filter((l) => l.reward_id === r.id)).toHaveLength(2);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });
});

describe('checkout with a reward', () => {
  test('a discount reward redeems its cost and takes its discount off the total; the redeem row names it', async () => {
    const r = await reward({ name: '£5 off lunch', pointsCost: 250, discountCents: 500 });
    const c = await enrol(t.a, phone(), 300);
    const res = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: c.phone }, rewardId: r.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subtotalCents: 1700, pointsRedeemed: 250, pointsDiscountCents: 500, totalCents: 1200 });
    const rows = await ledgerOf(c.id);
    expect(rows.find((l) => l.type === 'redeem')).toMatchObject({ points: -250, reward_id: r.id });
    expect(rows.find((l) => l.type === 'earn')).toMatchObject({ reward_id: null });
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('a free-item reward redeems its cost and takes nothing off', async () => {
    const r = await reward({ name: 'Free fries', pointsCost: 60, freeItem: 'Fries' });
    const c = await enrol(t.a, phone(), 60);
    const res = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: c.phone }, rewardId: r.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pointsRedeemed: 60, pointsDiscountCents: 0, totalCents: 1700 });
  });

  test('rewardId with redeemPoints, or without a customer, is a 400; a short balance or inactive reward is a 409; none leaves an order', async () => {
    const r = await reward({ name: 'Checkout only', pointsCost: 500, freeItem: 'Pie' });
    const off = await reward({ name: 'Off menu', pointsCost: 1, freeItem: 'Pie', active: false });
    const c = await enrol(t.a, phone(), 100);
    const [{ n: before }] = await t.sql`select count(*)::int as n from orders`;
    const base = { source: 'pos', orderType: 'collection', items: [burger] };
    expect((await t.a.post('/api/v1/orders', { ...base, customer: { phone: c.phone }, rewardId: r.id, redeemPoints: 10 })).status).toBe(400);
    expect((await t.a.post('/api/v1/orders', { ...base, rewardId: r.id })).status).toBe(400);
    const short = await t.a.post('/api/v1/orders', { ...base, customer: { phone: c.phone }, rewardId: r.id });
    expect(short.body).toMatchObject({ status: 409, code: 'insufficient_points' });
    const inactive = await t.a.post('/api/v1/orders', { ...base, customer: { phone: c.phone }, rewardId: off.id });
    expect(inactive.body).toMatchObject({ status: 409, code: 'reward_inactive' });
    const theirs = await reward({ name: 'Bravo pie', pointsCost: 1, freeItem: 'Pie' }, ownerB);
    expect((await t.a.post('/api/v1/orders', { ...base, customer: { phone: c.phone }, rewardId: theirs.id })).status).toBe(404);
    const [{ n: after }] = await t.sql`select count(*)::int as n from orders`;
    expect(after).toBe(before);
    expect(await ledgerOf(c.id)).toHaveLength(1);
  });
});

describe('rewards racing', () => {
  test('checkouts with a reward and direct reward redemptions racing on one balance never overspend it', async () => {
    const r = await reward({ name: 'Raced at the till', pointsCost: 100, discountCents: 100 });
    const c = await enrol(t.a, phone(), 350);
    const checkout = () => t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: c.phone }, rewardId: r.id });
    const direct = () => t.a.post(`/api/v1/customers/${c.id}/rewards/${r.id}/redeem`, {});
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? checkout() : direct())));
    const won = results.filter((x) => x.status === 200 || x.status === 201).length;
    expect(results.every((x) => [200, 201].includes(x.status) || x.body.code === 'insufficient_points')).toBe(true);
    // Checkouts earn as they go (on 1700 − 100 cents), so later ones may find points the earlier ones earned.
    const rows = await t.sql`select type, points, reward_id from ledger where customer_id = ${c.id} order by seq`;
    expect(rows.filter((l) => l.reward_id === r.id)).toHaveLength(won);
    expect(rows.every((l) => l.type !== 'redeem' || l.reward_id === r.id)).toBe(true);
    const [row] = await t.sql`select points_balance from customers where id = ${c.id}`;
    expect(row.points_balance).toBe(rows.reduce((sum, l) => sum + l.points, 0));
    expect(row.points_balance).toBeGreaterThanOrEqual(0);
    expect(won).toBeGreaterThanOrEqual(3);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });
});

describe('reward events', () => {
  test('reward_created, reward_updated and a loyalty_updated naming a reward match their catalogue schemas exactly', async () => {
    const before = await lastEventId(t.sql, t.tenantA.id);
    const r = await reward({ name: 'Catalogued', pointsCost: 20, discountCents: 200 });
    expect((await ownerA.patch(`/api/v1/rewards/${r.id}`, { freeItem: 'Scone' })).status).toBe(200);
    const c = await enrol(t.a, phone(), 20);
    expect((await t.a.post(`/api/v1/customers/${c.id}/rewards/${r.id}/redeem`, {})).status).toBe(200);
    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['reward_created', 'reward_updated', 'customer_created', 'loyalty_updated', 'loyalty_updated']);
    for (const e of events) {
      const parsed = eventCatalogue[e.type].safeParse(e.data);
      if (!parsed.success) throw new Error(`${e.type}: ${JSON.stringify(parsed.error.issues)}`);
    }
    expect(events[1].data.reward).toEqual({ ...r, freeItem: 'Scone', discountCents: undefined });
  });
});
