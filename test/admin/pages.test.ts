import { describe, expect, test } from 'bun:test';
import { pointsInvariants, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

const t = await testApp();
const ownerId = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const john = (await t.a.post('/api/v1/customers', { phone: '+447306506797', name: 'John Doe', email: 'john@example.com' })).body;
await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 275 });

const eventSeq = async () => (await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq as number;
const balance = async () => (await t.sql`select points_balance from customers where id = ${john.id}`)[0].points_balance as number;

describe('customers', () => {
  test('the page renders the last event id it reflects and connects its one stream from there', async () => {
    const seq = await eventSeq();
    const html = await (await owner.get('/customers')).text();
    expect(html.match(/hx-sse:connect=/g)!.length).toBe(1);
    expect(html).toContain(`hx-sse:connect="/alpha/admin/stream?lastEventId=${seq}"`);
    expect(html).toContain(`<span id="pts-${john.id}" class="pts" data-seq="${seq}">275</span>`);
    expect(html).toContain('hx-trigger="input changed delay:200ms, search"');
  });

  test('search returns only the results fragment, matching name, phone or email', async () => {
    await t.a.post('/api/v1/customers', { phone: '+447306506701', name: 'Zed Zebra' });
    const res = await owner.get('/customers/results?q=ZEB', { 'hx-request': 'true' });
    const html = await res.text();
    expect(html.startsWith('<div id="customer-results"')).toBe(true);
    expect(html).not.toContain('<html');
    expect(html).toContain('Zed Zebra');
    expect(html).not.toContain('John Doe');
    expect(html).not.toContain('customers-new'); // a filtered list does not grow live
    expect(res.headers.get('hx-replace-url')).toBe('/alpha/admin/customers?q=ZEB');
    expect(await (await owner.get('/customers/results?q=example.com')).text()).toContain('John Doe');
    expect(await (await owner.get('/customers/results?q=506797')).text()).toContain('John Doe');
    expect(await (await owner.get('/customers/results?q=%25')).text()).toContain('No customer matches');
  });

  test('pages of 50 follow each other by keyset with no repeats or gaps', async () => {
    const t2 = await testApp();
    await createAdmin(t2.sql, t2.tenantA.id, 'o@a.test', 'password1');
    const me = await signIn(t2.app, 'alpha', 'o@a.test', 'password1');
    await t2.sql`insert into customers (tenant_id, phone, name)
      select ${t2.tenantA.id}, '+4473065' || lpad(g::text, 5, '0'), 'Guest ' || g from generate_series(1, 120) g`;
    const seen: string[] = [];
    let html = await (await me.get('/customers')).text();
    for (let i = 0; i < 5; i++) {
      seen.push(...[...html.matchAll(/<tr id="cust-([^"]+)"/g)].map((m) => m[1]));
      const next = /hx-get="([^"]*customers\/rows[^"]*)"/.exec(html);
      if (!next) break;
      html = await (await t2.app.request(next[1].replace(/&amp;/g, '&'), { headers: { cookie: me.cookie } })).text();
    }
    expect(seen.length).toBe(120);
    expect(new Set(seen).size).toBe(120);
  });

  test('add from the page: the form comes back cleared with the new balance swapped in, stamped with its event id', async () => {
    const res = await owner.post(`/customers/${john.id}/points/add`, { points: '25', reason: 'Birthday' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const seq = await eventSeq();
    expect(html).toContain('Added 25 points. Balance now 300.');
    expect(html).toContain(`<span id="pts-${john.id}" class="pts flash" data-seq="${seq}" hx-swap-oob="true">300</span>`);
    expect(html).toContain(`<hx-partial hx-target="#ledger-${john.id}" hx-swap="afterbegin"><tr id="tx-`);
    const [l] = await t.sql`select type, points, reason, actor from ledger where customer_id = ${john.id} order by seq desc limit 1`;
    expect(l).toEqual({ type: 'add', points: 25, reason: 'Birthday', actor: `admin:${ownerId}` });
    const [e] = await t.sql`select type, actor from events where tenant_id = ${t.tenantA.id} and id = ${seq}`;
    expect(e).toEqual({ type: 'loyalty_updated', actor: `admin:${ownerId}` });
  });

  test('redeeming more than the balance is refused inline, plainly, and writes nothing', async () => {
    const before = await balance();
    const res = await owner.post(`/customers/${john.id}/points/redeem`, { points: String(before + 1) });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain(`Not enough points: ${before} available, ${before + 1} requested.`);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain(`value="${before + 1}"`);
    expect(await balance()).toBe(before);
  });

  test('bad input is answered with the form and an inline error', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['add', { points: 'ten' }, 'Points must be a whole number.'],
      ['add', { points: '-5' }, 'Points must be positive.'],
      ['redeem', { points: '' }, 'Enter a number of points.'],
      ['adjust', { points: '-5' }, 'An adjustment needs a reason.'],
      ['adjust', { points: '0', reason: 'x' }, 'Points must not be zero.'],
    ];
    for (const [action, fields, message] of cases) {
      const res = await owner.post(`/customers/${john.id}/points/${action}`, fields);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(message);
    }
  });

  test('adjust takes a signed amount with a reason; the balance never goes below zero', async () => {
    const before = await balance();
    const ok = await owner.post(`/customers/${john.id}/points/adjust`, { points: '\u221210', reason: 'Correction' });
    expect(ok.status).toBe(200);
    expect(await balance()).toBe(before - 10);
    const refused = await owner.post(`/customers/${john.id}/points/adjust`, { points: String(-(before + 100)), reason: 'Too much' });
    expect(refused.status).toBe(409);
    expect(await balance()).toBe(before - 10);
    expect(await pointsInvariants(t.sql)).toEqual({ discrepancies: 0, negative: 0, broken: 0 });
  });

  test('the detail page shows the ledger newest first with who did it', async () => {
    const page = await (await owner.get(`/customers/${john.id}`)).text();
    expect(page).toContain(`<tbody id="ledger-${john.id}"`);
    const html = page.slice(page.indexOf(`<tbody id="ledger-${john.id}"`)); // the ledger on, not the edit form's labels
    const firstRow = html.indexOf('Correction');
    const olderRow = html.indexOf('Birthday');
    expect(firstRow).toBeGreaterThan(0);
    expect(firstRow).toBeLessThan(olderRow);
    expect(html).toContain('owner@alpha.test');
    expect(html).toContain('API key default');
    expect((await owner.get('/customers/not-a-uuid')).status).toBe(404);
  });

  test('enrol from the page: phone spelled any common way; refusals inline', async () => {
    const bad = await owner.post('/customers', { phone: '12' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('is not a valid phone number');
    const dup = await owner.post('/customers', { phone: '07306 506797' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('already enrolled');
    const ok = await owner.post('/customers', { phone: '07306 506799', name: 'Ann Apple' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Enrolled Ann Apple.');
    const [c] = await t.sql`select phone from customers where name = 'Ann Apple'`;
    expect(c.phone).toBe('+447306506799');
  });
});

describe('POS terminal', () => {
  test('lookup by any spelling of the phone finds the customer; unknown numbers offer enrolment', async () => {
    const found = await (await owner.get('/pos/lookup?phone=%2B44%207306%20506797')).text();
    expect(found).toContain('John Doe');
    expect(found).toContain(`id="pts-${john.id}"`);
    const missing = await (await owner.get('/pos/lookup?phone=07306506788')).text();
    expect(missing).toContain('No customer has the number +447306506788');
    expect(missing).toContain('Enrol +447306506788');
    expect(await (await owner.get('/pos/lookup?phone=abc')).text()).toContain('is not a phone number');
  });

  test('quick buttons add and redeem; insufficient points shown plainly', async () => {
    const before = await balance();
    const add = await owner.post(`/pos/${john.id}/add`, { quick: '50' });
    expect(await add.text()).toContain(`Added 50 points. Balance now ${before + 50}.`);
    const redeem = await owner.post(`/pos/${john.id}/redeem`, { points: String(before + 1000) });
    expect(redeem.status).toBe(409);
    expect(await redeem.text()).toContain(`Not enough points: ${before + 50} available, ${before + 1000} requested.`);
    expect(await balance()).toBe(before + 50);
  });

  test('enrol at the POS, then the card is ready for points', async () => {
    const res = await owner.post('/pos/enrol', { phone: '+447306506788', name: 'Walk In' });
    const html = await res.text();
    expect(html).toContain('Enrolled Walk In.');
    expect(html).toContain('Redeem points');
  });
});

describe('activity and dashboard', () => {
  test('the activity feed lists every event with who did it, newest first, filterable by type', async () => {
    const html = await (await owner.get('/activity')).text();
    expect(html).toContain('id="feed-all"');
    expect(html).toContain('owner@alpha.test');
    expect(html).toContain('API key default');
    const filtered = await (await owner.get('/activity?type=customer_created')).text();
    expect(filtered).toContain('id="feed-customer_created"');
    expect(filtered).toContain('New customer: John Doe');
    expect(filtered).not.toContain('Points updated');
  });

  test("the dashboard shows today's figures and a server-rendered SVG chart", async () => {
    const html = await (await owner.get('/dashboard')).text();
    expect(html).toContain('<svg');
    expect(html).toContain('class="bar-earned"');
    expect(html).toMatch(/Points earned<\/span><strong>[\d,]+<\/strong>/);
    const body = await owner.get('/dashboard/body');
    expect((await body.text()).startsWith('<div id="dashboard"')).toBe(true);
  });
});

describe('orders, gift cards, reconciliation', () => {
  test('one click advances an order; an impossible move is explained on the board', async () => {
    const order = (await t.a.post('/api/v1/orders', {
      source: 'online', orderType: 'delivery', items: [{ name: 'Soup', quantity: 1, unitPriceCents: 500 }],
    })).body;
    const board = await (await owner.get('/orders')).text();
    expect(board).toContain(`id="order-${order.id}"`);
    const res = await owner.post(`/orders/${order.id}/status`, { status: 'preparing' });
    const html = await res.text();
    expect(html.startsWith('<div id="board"')).toBe(true);
    expect(html.indexOf(`id="order-${order.id}"`)).toBeGreaterThan(html.indexOf('id="col-preparing"'));
    const bad = await owner.post(`/orders/${order.id}/status`, { status: 'completed' });
    expect(await bad.text()).toContain('cannot move from preparing to completed');
    const [row] = await t.sql`select status from orders where id = ${order.id}`;
    expect(row.status).toBe('preparing');
  });

  test('gift cards: issue shows the code once, check balance, redeem, refuse overspend, void', async () => {
    const issued = await (await owner.post('/gift-cards', { amount: '20.00', purchasedBy: 'Mum' })).text();
    const code = /GC-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(issued)![0];
    expect(issued).toContain('£20.00');
    const page = await (await owner.get('/gift-cards')).text();
    expect(page).not.toContain(code); // recent list shows masked codes only
    const looked = await (await owner.get(`/gift-cards/lookup?code=${code.toLowerCase().replace(/-/g, ' ')}`)).text();
    expect(looked).toContain(code);
    expect(looked).toContain('£20.00');
    const redeemed = await (await owner.post('/gift-cards/redeem', { code, amount: '5' })).text();
    expect(redeemed).toContain('Redeemed £5.00.');
    expect(redeemed).toContain('£15.00');
    const over = await owner.post('/gift-cards/redeem', { code, amount: '50' });
    expect(over.status).toBe(409);
    expect(await over.text()).toContain('Insufficient gift card balance');
    const voided = await (await owner.post('/gift-cards/void', { code })).text();
    expect(voided).toContain('Card voided.');
    const [g] = await t.sql`select status, balance_cents from gift_cards where code = ${code}`;
    expect(g).toEqual({ status: 'void', balance_cents: 0 });
    const bad = await (await owner.post('/gift-cards', { amount: 'lots', purchasedBy: '' })).text();
    expect(bad).toContain('Enter an amount such as 20.00');
    expect(await (await owner.get('/gift-cards/lookup?code=nonsense')).text()).toContain('is not a gift card code');
  });

  test('gift cards: the form takes any amount up to the one cap the API applies (the old 10,000.00 page cap is gone)', async () => {
    const res = await owner.post('/gift-cards', { amount: '50,000.00', purchasedBy: 'Corporate gifts' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('£50,000.00');
    const code = /GC-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(html)![0];
    const [g] = await t.sql`select initial_cents, balance_cents from gift_cards where code = ${code}`;
    expect(g).toEqual({ initial_cents: 5_000_000, balance_cents: 5_000_000 });
    const over = await owner.post('/gift-cards', { amount: '100000.01', purchasedBy: 'Corporate gifts' });
    expect(over.status).toBe(422);
    expect(await over.text()).toContain('Enter an amount such as 20.00 (at most £100,000.00).');
  });

  test('reconciliation items are resolved with a note (and an optional points correction)', async () => {
    const [{ id }] = await t.sql`insert into reconciliation_queue (tenant_id, customer_id, kind, points, detail)
      values (${t.tenantA.id}, ${john.id}, 'clawback_shortfall', 5, 'Test: 5 points still owed') returning id`;
    const html = await (await owner.get('/reconciliation')).text();
    expect(html).toContain('Test: 5 points still owed');
    const needNote = await owner.post(`/reconciliation/${id}/resolve`, { note: '' });
    expect(needNote.status).toBe(422);
    const before = await balance();
    const ok = await owner.post(`/reconciliation/${id}/resolve`, { note: 'Clawed back by hand', points: '-5' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Resolved');
    expect(await balance()).toBe(before - 5);
    expect(await pointsInvariants(t.sql)).toEqual({ discrepancies: 0, negative: 0, broken: 0 });
  });
});

describe('both doors refuse alike: the board and the resolve form answer with the API\'s code and detail', () => {
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  /** The refusal a page fragment shows: `<p class="field-error" role="alert" data-code="…">detail</p>`. */
  async function refusalOf(res: Response) {
    const m = /<p class="field-error" role="alert" data-code="([a-z_]+)">([^<]*)<\/p>/.exec(await res.text());
    return m ? { status: res.status, code: m[1], detail: unescape(m[2]) } : { status: res.status };
  }
  const apiRefusal = (r: { status: number; body: any }) => ({ status: r.status, code: r.body.code, detail: r.body.detail });
  const queued = async (customerId: string | null) => (await t.sql`insert into reconciliation_queue (tenant_id, customer_id, kind, points, detail)
    values (${t.tenantA.id}, ${customerId}, 'clawback_shortfall', 5, 'Test: owed') returning id`)[0].id as string;

  test('an impossible status change: 409 invalid_transition with the same detail, and the order does not move', async () => {
    const order = (await t.a.post('/api/v1/orders', {
      source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 200 }],
    })).body;
    expect((await t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'cancelled' })).status).toBe(200);
    const seq = await eventSeq();
    const api = apiRefusal(await t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'preparing' }));
    expect(api).toEqual({ status: 409, code: 'invalid_transition', detail: expect.stringContaining('cannot move from cancelled to preparing') });
    expect(await refusalOf(await owner.post(`/orders/${order.id}/status`, { status: 'preparing' }))).toEqual(api);
    const [row] = await t.sql`select status from orders where id = ${order.id}`;
    expect(row.status).toBe('cancelled');
    expect(await eventSeq()).toBe(seq);
  });

  test('a status the schema does not know: the same message through both doors', async () => {
    const order = (await t.a.post('/api/v1/orders', {
      source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 200 }],
    })).body;
    const api = await t.a.post(`/api/v1/orders/${order.id}/status`, { status: 'eaten' });
    expect(api.status).toBe(400);
    const page = await refusalOf(await owner.post(`/orders/${order.id}/status`, { status: 'eaten' }));
    expect(page).toEqual({ status: 422, code: 'validation_failed', detail: api.body.errors[0].message });
  });

  test('an order that is not there: 404 not_found with the same detail through both doors', async () => {
    const missing = crypto.randomUUID();
    const api = await t.a.post(`/api/v1/orders/${missing}/status`, { status: 'preparing' });
    expect(api.body.code).toBe('not_found');
    const page = await owner.post(`/orders/${missing}/status`, { status: 'preparing' });
    expect(page.status).toBe(api.status);
    expect(await page.text()).toContain(`>${api.body.detail}<`);
  });

  test('resolving a resolved item: 409 already_resolved with the same detail', async () => {
    const id = await queued(john.id);
    expect((await t.a.post(`/api/v1/reconciliation/${id}/resolve`, { note: 'Done' })).status).toBe(200);
    const api = apiRefusal(await t.a.post(`/api/v1/reconciliation/${id}/resolve`, { note: 'Again' }));
    expect(api).toMatchObject({ status: 409, code: 'already_resolved' });
    expect(await refusalOf(await owner.post(`/reconciliation/${id}/resolve`, { note: 'Again' }))).toEqual(api);
  });

  test('a correction below zero or without a customer: the same 409 through both doors, and the item stays open', async () => {
    const owed = await queued(john.id);
    const api = apiRefusal(await t.a.post(`/api/v1/reconciliation/${owed}/resolve`, { note: 'Deduct', points: -1_000_000 }));
    expect(api).toMatchObject({ status: 409, code: 'insufficient_points' });
    expect(await refusalOf(await owner.post(`/reconciliation/${owed}/resolve`, { note: 'Deduct', points: '-1000000' }))).toEqual(api);
    const nobody = await queued(null);
    const api2 = apiRefusal(await t.a.post(`/api/v1/reconciliation/${nobody}/resolve`, { note: 'Give', points: 5 }));
    expect(api2).toMatchObject({ status: 409, code: 'no_customer' });
    expect(await refusalOf(await owner.post(`/reconciliation/${nobody}/resolve`, { note: 'Give', points: '5' }))).toEqual(api2);
    const open = await t.sql`select resolved_at from reconciliation_queue where id in ${t.sql([owed, nobody])}`;
    expect(open.map((r) => r.resolved_at)).toEqual([null, null]);
  });

  test('a zero correction is refused by the same schema message through both doors', async () => {
    const id = await queued(john.id);
    const api = await t.a.post(`/api/v1/reconciliation/${id}/resolve`, { note: 'x', points: 0 });
    expect(api.status).toBe(400);
    const page = await owner.post(`/reconciliation/${id}/resolve`, { note: 'x', points: '0' });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain(api.body.errors[0].message);
  });
});
