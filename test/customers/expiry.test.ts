import { describe, expect, test } from 'bun:test';
import { EXPIRY_ACTOR, expirePoints } from '../../src/customers/expiry.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { testApp } from '../support/app.ts';
import { describe as sentence } from '../../views/shell/describe.ts';
import { burger, CLEAN, enrol, invariants } from '../support/fixtures.ts';

// Points expiry (sql/0016_points_expiry.sql). Time passes by moving the past: `elapse(days)` shifts every
// ledger date of tenant A (and when its expiry was switched on) back by that many days, as if the days
// had gone by. Ledger rows are append-only (I3), so this test-only rewrite runs with triggers off.

const t = await testApp();
const A = t.tenantA.id;
await createAdmin(t.sql, A, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, A, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
let phones = 0;
const customer = async (points = 0) => (await enrol(t.a, `+4473065${String(20000 + phones++)}`, points)).id;

async function elapse(days: number) {
  await t.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`update ledger set created_at = created_at - make_interval(days => ${days}),
      expires_at = expires_at - make_interval(days => ${days}) where tenant_id = ${A}`;
  });
  await t.sql`update tenants set points_expiry_since = points_expiry_since - make_interval(days => ${days}),
    points_expiry_existing_before = points_expiry_existing_before - make_interval(days => ${days}),
    points_expiry_swept_at = '-infinity', points_expiry_swept_seq = 0 where id = ${A}`;
}

const setExpiry = async (body: Record<string, unknown>) => {
  const r = await t.a.patch('/api/v1/settings', body);
  expect(r.status).toBe(200);
  return r.body;
};
/** Expiry switched off and on again: the clock starts now, so earlier tests' points never count here. */
const freshExpiry = async (days: number) => {
  await setExpiry({ pointsExpireAfterDays: null });
  return setExpiry({ pointsExpireAfterDays: days });
};
const balance = async (id: string) => (await t.sql`select points_balance from customers where id = ${id}`)[0].points_balance as number;
const expiries = async (id: string) => [...await t.sql`select points, balance_before, balance_after, actor from ledger
  where customer_id = ${id} and type = 'expire' order by seq`];
const detail = async (id: string) => {
  const r = await t.a.get(`/api/v1/customers/${id}`);
  expect(r.status).toBe(200);
  return r.body;
};
const daysFromNow = (iso: string) => Math.round((Date.parse(iso) - Date.now()) / 86_400_000);

describe('points expiry', () => {
  test('expiry is off by default, and a setting out of 1..3650 or applyToExistingPoints without days is refused and changes nothing', async () => {
    expect((await t.a.get('/api/v1/settings')).body.pointsExpireAfterDays).toBeNull();
    for (const body of [{ pointsExpireAfterDays: 0 }, { pointsExpireAfterDays: 3651 }, { pointsExpireAfterDays: 1.5 },
      { pointsExpireAfterDays: '30' }, { applyToExistingPoints: true }, { pointsExpireAfterDays: null, applyToExistingPoints: true }]) {
      const r = await t.a.patch('/api/v1/settings', body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }
    const [row] = await t.sql`select points_expire_after_days, points_expiry_since from tenants where id = ${A}`;
    expect(row).toEqual({ points_expire_after_days: null, points_expiry_since: null });
  });

  test('redemptions spend the oldest lots first; only what is left of a lot past its date expires, once, with its event', async () => {
    expect((await freshExpiry(30)).pointsExpireAfterDays).toBe(30);
    const id = await customer(100); // lot A
    await elapse(10);
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 50 }); // lot B
    await elapse(10);
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 20 }); // lot C
    expect((await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 120 })).status).toBe(200); // all of A, 20 of B
    const next = (await detail(id)).nextExpiry;
    expect(next.points).toBe(30);
    expect(daysFromNow(next.expiresAt)).toBe(20);

    await elapse(10); // A is 30 days old, but was spent: nothing to expire
    expect(await expirePoints(t.sql)).toBe(0);
    expect(await expiries(id)).toHaveLength(0);

    await elapse(10); // B is 30 days old: its 30 unspent points go, C's 20 stay
    const [{ last }] = await t.sql`select coalesce(max(id), 0)::int as last from events where tenant_id = ${A}`;
    expect(await expirePoints(t.sql)).toBe(1);
    expect(await expiries(id)).toEqual([{ points: -30, balance_before: 50, balance_after: 20, actor: EXPIRY_ACTOR }]);
    expect(await balance(id)).toBe(20);
    const events = await t.sql`select type, data from events where tenant_id = ${A} and id > ${last}`;
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('loyalty_updated');
    expect(events[0].data).toMatchObject({ customerId: id, transactionType: 'expire', pointsChange: -30, newBalance: 20 });

    // Repeated, with or without the pass's mark: nothing more is due.
    expect(await expirePoints(t.sql)).toBe(0);
    await elapse(0);
    expect(await expirePoints(t.sql)).toBe(0);
    expect(await expiries(id)).toHaveLength(1);
    const after = await detail(id);
    expect(after.pointsBalance).toBe(20);
    expect(after.nextExpiry.points).toBe(20);
    expect(daysFromNow(after.nextExpiry.expiresAt)).toBe(10);
    const tx = await t.a.get(`/api/v1/customers/${id}/transactions`);
    expect(tx.body.data[0]).toMatchObject({ type: 'expire', points: -30, balanceBefore: 50, balanceAfter: 20 });
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('a pass is bounded: one lot per pass expires one customer per pass, and the mark moves past what was looked at', async () => {
    await freshExpiry(30);
    const first = await customer(10);
    const second = await customer(20);
    await elapse(31);
    expect(await expirePoints(t.sql, 1)).toBe(1);
    expect([await balance(first), await balance(second)]).toEqual([0, 20]);
    expect(await expirePoints(t.sql, 1)).toBe(1);
    expect([await balance(first), await balance(second)]).toEqual([0, 0]);
    expect(await t.sql`select * from points_expiry_candidates(10)`).toHaveLength(0);
    expect(await expirePoints(t.sql, 1)).toBe(0);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('an expiry racing redemptions never spends the same points twice: one of the two gets them', async () => {
    await freshExpiry(30);
    const ids = await Promise.all(Array.from({ length: 8 }, () => customer(100)));
    await elapse(31);
    const [redeems] = await Promise.all([
      Promise.all(ids.map((id) => t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 60 }))),
      expirePoints(t.sql),
    ]);
    await expirePoints(t.sql); // whatever the first pass found spent is looked at again: still nothing twice
    for (const [i, id] of ids.entries()) {
      const expired = (await expiries(id)).reduce((s, r) => s - r.points, 0);
      if (redeems[i].status === 200) expect(expired).toBe(40);
      else {
        expect(redeems[i].body).toMatchObject({ code: 'insufficient_points', available: 0 });
        expect(expired).toBe(100);
      }
      expect(await balance(id)).toBe(0);
    }
    expect(await invariants(t.sql)).toEqual(CLEAN);
  }, 30_000);

  test('cancelling an order whose earned points expired claws back only what had not expired', async () => {
    await freshExpiry(30);
    const phone = '+447306529001';
    const order = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', customer: { phone }, items: [burger] });
    expect(order.status).toBe(201);
    const id = order.body.customerId as string;
    expect(order.body.pointsEarned).toBe(17);
    expect((await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 5 })).status).toBe(200); // 5 of the 17, oldest first
    await elapse(31);
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 50 });
    expect(await expirePoints(t.sql)).toBe(1);
    expect(await balance(id)).toBe(50); // the order's other 12 expired
    const r = await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' });
    expect(r.status).toBe(200);
    // 17 earned: 12 expired (already gone), 5 spent (owed): 5 come back off the balance, not 17.
    const reversals = await t.sql`select points, reason from ledger where customer_id = ${id} and type = 'reversal'`;
    expect(reversals).toHaveLength(1);
    expect(reversals[0].points).toBe(-5);
    expect(reversals[0].reason).toContain('12 had already expired');
    expect(await balance(id)).toBe(45);
    expect(await t.sql`select 1 from reconciliation_queue where customer_id = ${id}`).toHaveLength(0);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('an order whose earned points all expired is cancelled without touching the points left, nor owing any', async () => {
    await freshExpiry(30);
    const order = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection',
      customer: { phone: '+447306529002' }, items: [burger] });
    const id = order.body.customerId as string;
    await elapse(31);
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 10 });
    expect(await expirePoints(t.sql)).toBe(1);
    expect((await t.a.post(`/api/v1/orders/${order.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
    expect(await balance(id)).toBe(10);
    expect(await t.sql`select 1 from ledger where customer_id = ${id} and type = 'reversal'`).toHaveLength(0);
    expect(await t.sql`select 1 from reconciliation_queue where customer_id = ${id}`).toHaveLength(0);
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('switching expiry on or changing it never expires points already held; applyToExistingPoints does', async () => {
    await setExpiry({ pointsExpireAfterDays: null });
    const id = await customer(100);
    await elapse(400); // earned long ago, while expiry was off
    await setExpiry({ pointsExpireAfterDays: 30 });
    expect(await expirePoints(t.sql)).toBe(0);
    expect((await detail(id)).nextExpiry).toBeNull();

    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 10 });
    const first = (await detail(id)).nextExpiry;
    expect(first.points).toBe(10);
    expect(daysFromNow(first.expiresAt)).toBe(30);
    await setExpiry({ pointsExpireAfterDays: 365 }); // a new length applies to points added from now on
    expect((await detail(id)).nextExpiry).toEqual(first);
    expect(await expirePoints(t.sql)).toBe(0);
    expect(await balance(id)).toBe(110);

    // The owner asks: points held before now expire 30 days after they were earned, the old 100 at once.
    await setExpiry({ pointsExpireAfterDays: 30, applyToExistingPoints: true });
    expect(await expirePoints(t.sql)).toBeGreaterThanOrEqual(1);
    expect(await expiries(id)).toEqual([{ points: -100, balance_before: 110, balance_after: 10, actor: EXPIRY_ACTOR }]);
    expect(await balance(id)).toBe(10);

    // Off means off: nothing expires, nothing is shown as expiring.
    await setExpiry({ pointsExpireAfterDays: null });
    await elapse(40);
    expect(await expirePoints(t.sql)).toBe(0);
    expect(await balance(id)).toBe(10);
    expect((await detail(id)).nextExpiry).toBeNull();
    expect(await invariants(t.sql)).toEqual(CLEAN);
  });

  test('both doors: the owner sets expiry on the Settings form, refused values read the same as the API, and the customer page shows the next expiry', async () => {
    await setExpiry({ pointsExpireAfterDays: null });
    const form = { pointsExpireAfterDays: '3651' };
    const api = await t.a.patch('/api/v1/settings', { pointsExpireAfterDays: 3651 });
    const message = api.body.errors.find((e: { path: string }) => e.path === 'pointsExpireAfterDays').message as string;
    const refused = await owner.post('/settings', form);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(message);
    const needsDays = await owner.post('/settings', { pointsExpireAfterDays: '', applyToExistingPoints: 'true' });
    expect(needsDays.status).toBe(422);
    expect(await needsDays.text()).toContain('Applying expiry to points already held needs a number of days.');
    expect((await t.sql`select points_expire_after_days from tenants where id = ${A}`)[0].points_expire_after_days).toBeNull();

    expect((await staff.post('/settings', { pointsExpireAfterDays: '90' })).status).toBe(403);
    const saved = await owner.post('/settings', { pointsExpireAfterDays: '90' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('value="90"');
    expect((await t.sql`select points_expire_after_days from tenants where id = ${A}`)[0].points_expire_after_days).toBe(90);
    expect((await staff.api().get('/api/v1/settings')).body.pointsExpireAfterDays).toBe(90);

    const id = await customer(25);
    const next = (await staff.api().get(`/api/v1/customers/${id}`)).body.nextExpiry;
    expect(next.points).toBe(25);
    expect(daysFromNow(next.expiresAt)).toBe(90);
    const day = new Date(next.expiresAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    const pageHtml = await (await staff.get(`/customers/${id}`)).text();
    expect(pageHtml).toContain('Next expiry');
    expect(pageHtml).toContain(`25 points on <time datetime="${next.expiresAt}">${day}</time>`);

    // An empty field switches expiry off again.
    expect((await owner.post('/settings', { pointsExpireAfterDays: '' })).status).toBe(200);
    expect((await t.a.get('/api/v1/settings')).body.pointsExpireAfterDays).toBeNull();
    expect(await (await staff.get(`/customers/${id}`)).text()).toContain('<span id="next-expiry" class="muted">None</span>');
  });

  test('the toast and activity feed say points expired, not merely updated', () => {
    expect(sentence({ type: 'loyalty_updated', data: { transactionType: 'expire', customerName: 'Ann', pointsChange: -30 } }))
      .toBe('Points expired: Ann \u221230');
    expect(sentence({ type: 'loyalty_updated', data: { transactionType: 'redeem', customerName: 'Ann', pointsChange: -30 } }))
      .toBe('Points updated: Ann \u221230');
  });
});
