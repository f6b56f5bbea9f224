import { describe, expect, test } from 'bun:test';
import { renderAdminFragment, type AdminEvent } from '../../src/admin/fragments.tsx';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { CLEAN, enrol, invariants } from '../support/fixtures.ts';

// The live regions (views/shell/liveRegion.tsx): the customer page's reward progress and next expiry,
// and the POS reward buttons. An event that changes them sends a tick that re-reads the region; the
// region answers from one snapshot, stamped with its event id.

const event = (type: string, data: any, id = 42): AdminEvent => ({
  tenantId: 't1', tenantSlug: 'alpha', id, type, data, actor: 'admin:a1', createdAt: '2025-10-18T15:00:00.000Z',
});
const loyalty = (customerId: string, extra: Record<string, unknown> = {}) => event('loyalty_updated', {
  customerId, customerPhone: '+447306506797', customerName: 'John Doe', pointsChange: -100, newBalance: 40,
  totalPointsEarned: 140, totalPointsRedeemed: 100, transactionType: 'redeem', reason: 'Reward Free coffee',
  orderId: null, transactionId: 'tx-9', ...extra,
});
/** Every element the fragment swaps in out of band, by id. */
const oob = (html: string) => new Map([...html.matchAll(/<\w+ id="([^"]+)"([^>]*hx-swap-oob="true"[^>]*)>/g)].map((m) => [m[1], m[2]]));

describe('the fragment of a loyalty_updated event', () => {
  test('sends that customer\'s progress line, next expiry and POS buttons a tick that re-reads each, stamped with the event id', () => {
    const ticks = oob(renderAdminFragment(loyalty('c-1')));
    for (const [region, href] of [['progress-c-1', '/alpha/admin/customers/c-1/progress'], ['expiry-c-1', '/alpha/admin/customers/c-1/expiry'],
      ['pos-rewards-c-1', '/alpha/admin/pos/c-1/rewards']]) {
      const attrs = ticks.get(`${region}-tick`);
      expect(attrs).toBeDefined();
      expect(attrs).toContain('data-seq="42"');
      expect(attrs).toContain(`hx-get="${href}"`);
      expect(attrs).toContain('hx-trigger="load"');
      expect(attrs).toContain(`hx-target="#${region}"`);
      expect(attrs).toContain('hx-swap="outerHTML"');
    }
    // Another customer's page has other ids: it is not touched.
    expect([...ticks.keys()].filter((id) => id.endsWith('-tick')).every((id) => id.includes('c-1'))).toBe(true);
  });

  test('a reward redemption\'s ledger row carries the reward id; a plain one carries none', () => {
    expect(renderAdminFragment(loyalty('c-1', { rewardId: 'r-7', rewardName: 'Free coffee' })))
      .toContain('<tr id="tx-tx-9" class="flash" data-seq="42" data-reward-id="r-7">');
    expect(renderAdminFragment(loyalty('c-1'))).toContain('<tr id="tx-tx-9" class="flash" data-seq="42">');
  });

  test('other events send no ticks (the menu and settings events are heard by the regions themselves)', () => {
    for (const e of [event('reward_updated', { reward: { id: 'r-1', name: 'Tea', pointsCost: 10, active: false, createdAt: 'x', freeItem: 'Tea' } }),
      event('customer_created', { customer: { id: 'c-2', phone: '+447306506701', name: 'Zed', email: null, pointsBalance: 0, totalPointsEarned: 0, totalPointsRedeemed: 0 } })]) {
      expect([...oob(renderAdminFragment(e)).keys()].some((id) => id.endsWith('-tick'))).toBe(false);
    }
  });
});

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
const api = owner.api();
let phones = 0;
const phone = () => `+4473079${String(++phones).padStart(5, '0')}`;
const eventSeq = async () => (await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq as number;

describe('the regions the ticks re-read', () => {
  test('the customer page renders its regions with inert ticks, listening for menu and settings events', async () => {
    const coffee = await api.post('/api/v1/rewards', { name: 'Region coffee', pointsCost: 100, freeItem: 'Coffee' });
    expect(coffee.status).toBe(201);
    const c = await enrol(t.a, phone(), 60);
    const html = await (await staff.get(`/customers/${c.id}`)).text();
    const seq = await eventSeq();
    expect(html).toContain(`<section id="progress-${c.id}" class="card stack reward-progress" data-live-region="" data-seq="${seq}"`);
    expect(html).toContain(`hx-get="/alpha/admin/customers/${c.id}/progress" hx-trigger="ts:reward_created from:body, ts:reward_updated from:body"`);
    expect(html).toContain(`<span id="expiry-${c.id}" data-live-region="" data-seq="${seq}" hx-get="/alpha/admin/customers/${c.id}/expiry" hx-trigger="ts:settings_updated from:body"`);
    // The ticks inside are inert: only the one an event sends re-reads (else each answer would re-read itself).
    expect(html).toContain(`<i id="progress-${c.id}-tick" hidden="" data-seq="${seq}"></i>`);
    expect(html).toContain(`<i id="expiry-${c.id}-tick" hidden="" data-seq="${seq}"></i>`);
  });

  test('after another till redeems, the progress region answers with the new distance, stamped with the new event id', async () => {
    await api.post('/api/v1/rewards', { name: 'Region cake', pointsCost: 900, freeItem: 'Cake' });
    const c = await enrol(t.a, phone(), 850);
    expect((await (await staff.get(`/customers/${c.id}/progress`)).text())).toContain('<strong>50 points</strong> to Region cake');
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 200 })).status).toBe(200);
    const res = await staff.get(`/customers/${c.id}/progress`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<strong>250 points</strong> to Region cake');
    expect(html).toContain(`data-seq="${await eventSeq()}"`);
    expect((await t.sql`select points_balance from customers where id = ${c.id}`)[0].points_balance).toBe(650);
  });

  test('the expiry region shows the next expiry once expiry is on, and None once it is off', async () => {
    const c = await enrol(t.a, phone(), 0);
    expect((await t.a.patch('/api/v1/settings', { pointsExpireAfterDays: 10 })).status).toBe(200);
    try {
      expect((await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 30 })).status).toBe(200);
      const on = await (await staff.get(`/customers/${c.id}/expiry`)).text();
      expect(on).toMatch(new RegExp(`^<span id="expiry-${c.id}" data-live-region="" data-seq="\\d+"`));
      expect(on).toMatch(/<span id="next-expiry">30 points on <time datetime="[^"]+">\d{1,2} \w{3} \d{4}<\/time><\/span>/);
    } finally {
      expect((await t.a.patch('/api/v1/settings', { pointsExpireAfterDays: null })).status).toBe(200);
    }
    expect(await (await staff.get(`/customers/${c.id}/expiry`)).text()).toContain('<span id="next-expiry" class="muted">None</span>');
  });

  test('the POS buttons drop a deactivated reward and one the balance no longer covers; an empty region stays, hidden', async () => {
    const tea = await api.post('/api/v1/rewards', { name: 'Region tea', pointsCost: 30, freeItem: 'Tea' });
    const bun = await api.post('/api/v1/rewards', { name: 'Region bun', pointsCost: 45, freeItem: 'Bun' });
    const c = await enrol(t.a, phone(), 50);
    const before = await (await staff.get(`/pos/${c.id}/rewards`)).text();
    expect(before).toContain('Region tea');
    expect(before).toContain('Region bun');
    expect(before).toContain('hx-trigger="ts:reward_created from:body, ts:reward_updated from:body"');
    expect((await api.patch(`/api/v1/rewards/${tea.body.id}`, { active: false })).status).toBe(200);
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 10 })).status).toBe(200);
    const after = await (await staff.get(`/pos/${c.id}/rewards`)).text();
    expect(after).toMatch(new RegExp(`^<section id="pos-rewards-${c.id}" class="pos-rewards" data-live-region="" data-seq="${await eventSeq()}" hidden=""`));
    expect(after).toContain('data-count="0"');
    expect(after).not.toContain('Region tea');
    expect(after).not.toContain('Region bun');
    expect(after).toContain(`<i id="pos-rewards-${c.id}-tick"`);
    expect(bun.status).toBe(201);
  });

  test('a region of an unknown customer is a 404 that changes nothing', async () => {
    const before = await eventSeq();
    for (const path of ['/customers/00000000-0000-4000-8000-000000000000/progress', '/customers/00000000-0000-4000-8000-000000000000/expiry', '/customers/nope/expiry']) {
      expect((await staff.get(path)).status).toBe(404);
    }
    expect(await eventSeq()).toBe(before);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });
});
