import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { CLEAN, enrol, invariants } from '../support/fixtures.ts';

// The Rewards page (owners), the POS reward buttons and the customer page's progress: the same domain
// calls as /api/v1/rewards and the redeem route, through the admin door.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');

const rewardNamed = async (name: string) => (await t.sql`select id, name, points_cost, discount_cents, free_item, active
  from rewards where tenant_id = ${t.tenantA.id} and name = ${name}`)[0];

describe('the Rewards page (owners)', () => {
  test('an owner adds a reward: the form comes back cleared and the list gains its card; the nav links the page', async () => {
    const res = await owner.post('/rewards', { name: 'Free coffee', pointsCost: '100', discount: '', freeItem: 'Coffee' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Free coffee added.');
    const row = await rewardNamed('Free coffee');
    expect(row).toMatchObject({ points_cost: 100, free_item: 'Coffee', discount_cents: null, active: true });
    expect(html).toContain(`id="reward-${row.id}"`);
    const page = await (await owner.get('/rewards')).text();
    expect(page).toContain(`id="reward-${row.id}"`);
    expect(page).toContain('100 points · Free Coffee');
    expect(page).toContain('href="/alpha/admin/rewards"');
  });

  test('a discount typed as money is stored in cents', async () => {
    expect((await owner.post('/rewards', { name: '£5 off', pointsCost: '250', discount: '5.00', freeItem: '' })).status).toBe(200);
    expect(await rewardNamed('£5 off')).toMatchObject({ points_cost: 250, discount_cents: 500, free_item: null });
  });

  test('bad fields are refused inline as typed, and nothing is written', async () => {
    const [{ n: before }] = await t.sql`select count(*)::int as n from rewards`;
    const both = await owner.post('/rewards', { name: 'Greedy', pointsCost: '10', discount: '1.00', freeItem: 'Tea' });
    expect(both.status).toBe(422);
    expect(await both.text()).toContain('id="new-reward-discount-error" class="field-error" role="alert">A reward is exactly one of discountCents or freeItem.');
    const cost = await owner.post('/rewards', { name: '', pointsCost: 'lots', discount: '', freeItem: 'Tea' });
    expect(cost.status).toBe(422);
    const html = await cost.text();
    expect(html).toContain('id="new-reward-name-error" class="field-error" role="alert">A name of 1 to 100 characters');
    expect(html).toContain('id="new-reward-pointsCost-error" class="field-error" role="alert">A whole number of points from 1 to 1,000,000.');
    expect(html).toContain('value="lots"');
    const [{ n: after }] = await t.sql`select count(*)::int as n from rewards`;
    expect(after).toBe(before);
  });

  test('editing answers with the card; deactivating and activating flip it', async () => {
    await owner.post('/rewards', { name: 'Cookie', pointsCost: '40', discount: '', freeItem: 'Cookie' });
    const r = await rewardNamed('Cookie');
    const saved = await owner.post(`/rewards/${r.id}`, { name: 'Big cookie', pointsCost: '45', discount: '', freeItem: 'Big cookie' });
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html.startsWith(`<article id="reward-${r.id}"`)).toBe(true);
    expect(html).toContain('Saved.');
    expect(await rewardNamed('Big cookie')).toMatchObject({ id: r.id, points_cost: 45 });
    expect(await (await owner.post(`/rewards/${r.id}/active`, { active: 'false' })).text()).toContain('data-active="0"');
    expect((await rewardNamed('Big cookie')).active).toBe(false);
    expect(await (await owner.post(`/rewards/${r.id}/active`, { active: 'true' })).text()).toContain('data-active="1"');
    expect((await rewardNamed('Big cookie')).active).toBe(true);
  });

  test('staff get 403 for the page and every change, and the nav does not offer it; nothing changes', async () => {
    await owner.post('/rewards', { name: 'Staff proof', pointsCost: '5', discount: '', freeItem: 'Tea' });
    const r = await rewardNamed('Staff proof');
    expect((await staff.get('/rewards')).status).toBe(403);
    expect((await staff.post('/rewards', { name: 'Sneaky', pointsCost: '1', discount: '', freeItem: 'Tea' })).status).toBe(403);
    expect((await staff.post(`/rewards/${r.id}/active`, { active: 'false' })).status).toBe(403);
    expect(await (await staff.get('/pos')).text()).not.toContain('href="/alpha/admin/rewards"');
    expect(await rewardNamed('Sneaky')).toBeUndefined();
    expect((await rewardNamed('Staff proof')).active).toBe(true);
  });
});

describe('rewards at the counter', () => {
  test('the POS card loads buttons for exactly the active rewards the balance covers; a tap redeems and names the reward', async () => {
    await owner.post('/rewards', { name: 'Tea on us', pointsCost: '30', discount: '', freeItem: 'Tea' });
    await owner.post('/rewards', { name: 'Too dear', pointsCost: '900', discount: '', freeItem: 'Cake' });
    await owner.post('/rewards', { name: 'Retired tea', pointsCost: '1', discount: '', freeItem: 'Tea' });
    await owner.post(`/rewards/${(await rewardNamed('Retired tea')).id}/active`, { active: 'false' });
    const c = await enrol(t.a, '+447307100001', 70, 'Pat');
    const card = await (await staff.get(`/pos/lookup?phone=${encodeURIComponent(c.phone)}`, { 'hx-request': 'true' })).text();
    expect(card).toContain(`hx-get="/alpha/admin/pos/${c.id}/rewards"`);
    const buttons = await (await staff.get(`/pos/${c.id}/rewards`, { 'hx-request': 'true' })).text();
    expect(buttons).toContain('Tea on us');
    expect(buttons).not.toContain('Too dear');
    expect(buttons).not.toContain('Retired tea');
    const tea = await rewardNamed('Tea on us');
    const res = await staff.post(`/pos/${c.id}/rewards/${tea.id}`, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Redeemed Tea on us: 40 points left.');
    const [l] = await t.sql`select type, points, reward_id from ledger where customer_id = ${c.id} order by seq desc limit 1`;
    expect(l).toEqual({ type: 'redeem', points: -30, reward_id: tea.id });
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('a tap the balance no longer covers is refused on the card (409) and writes nothing', async () => {
    const dear = await rewardNamed('Too dear');
    const c = await enrol(t.a, '+447307100002', 10, 'Sam');
    const res = await staff.post(`/pos/${c.id}/rewards/${dear.id}`, {});
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Not enough points: 10 available, 900 requested.');
    expect(await t.sql`select 1 from ledger where customer_id = ${c.id}`).toHaveLength(1);
  });

  test('the customer page shows the points to the next reward', async () => {
    const c = await enrol(t.a, '+447307100003', 20, 'Lee');
    const html = await (await staff.get(`/customers/${c.id}`)).text();
    expect(html).toContain('<strong>10 points</strong> to Tea on us');
    const api = await t.a.get(`/api/v1/customers/${c.id}/rewards`);
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ pointsBalance: 20, next: { pointsToGo: 10, reward: { name: 'Tea on us' } } });
    // Of the active menu so far only "Staff proof" (5) is within 20 points; "Retired tea" (1) is inactive.
    expect(api.body.affordable.map((r: { name: string }) => r.name)).toEqual(['Staff proof']);
    expect(html).toContain('Enough points for 1 reward now.');
  });
});
