import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, openMenu } from '../support/browser.ts';
import { client, testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { listen } from '../support/stream.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { LAG_FLAG_EVENTS } from '../../src/terminals/terminals.ts';

// End to end in a real browser: htmx 4 + its SSE extension against the real server, hub and Postgres.
// The waits below are bounds on correctness ("it arrives without a reload"), generous so a busy machine
// passes; how fast updates arrive is measured by test/bench/fanout.ts, not asserted here.
// Chromium comes from the system (test/support/browser.ts); nothing here downloads a browser.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const john = (await t.a.post('/api/v1/customers', { phone: '+447306506797', name: 'John Doe', email: 'john@example.com' })).body;
await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 275, reason: 'Welcome' });
for (const [phone, name] of [['+447306506701', 'Zed Zebra'], ['+447306506702', 'Ann Apple'], ['+447306506703', 'Bob Banana']]) {
  await t.a.post('/api/v1/customers', { phone, name });
}

const ui = browserOn(t.app);
const origin = ui.origin;
const SHOTS = ui.shots;

/** A page (tablet-sized unless told) signed in through the real form. */
async function signedIn(email: string, password: string, slug = 'alpha', viewport = { width: 1024, height: 768 }): Promise<Page> {
  const context = await ui.browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/${slug}/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/${slug}/admin/dashboard`);
  return page;
}

const live = (page: Page) => page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });

/** An owner's page at /alpha/admin/<path>, its stream already live. */
async function ownerLivePage(path: string): Promise<Page> {
  const page = await signedIn('owner@alpha.test', 'correct horse');
  await page.goto(`${origin}/alpha/admin/${path}`);
  await live(page);
  return page;
}

describe('admin pages in a browser', () => {
  test('sign-in lands on the dashboard and the live indicator turns to ● Live', async () => {
    const page = await signedIn('owner@alpha.test', 'correct horse');
    await live(page);
    expect((await page.locator('#live').textContent())!.replace(/\s+/g, ' ').trim()).toBe('● Live');
    // The dashboard's figures follow the stream too.
    const earned = page.locator('.figures li', { hasText: 'Points earned' }).locator('strong');
    const before = Number((await earned.innerText()).replace(/,/g, ''));
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 5, reason: 'Dashboard check' });
    await page.waitForFunction((n) => {
      const li = [...document.querySelectorAll('.figures li')].find((x) => x.textContent!.includes('Points earned'));
      return Number(li?.querySelector('strong')?.textContent?.replace(/,/g, '')) === n;
    }, before + 5, { timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/admin-dashboard.png`, fullPage: true });
    await page.context().close();
  }, 60_000);

  test('a redemption made through the API updates the open customers page within a second, without reload, with a toast', async () => {
    const page = await ownerLivePage('customers');
    await page.evaluate(() => { (window as any).__sameDocument = true; });
    const [{ points_balance: start, total_points_redeemed: redeemed }] = await t.sql`select points_balance, total_points_redeemed from customers where id = ${john.id}`;
    expect(await page.locator(`#pts-${john.id}`).innerText()).toBe(String(start));

    const started = Date.now();
    const res = await t.a.post(`/api/v1/customers/${john.id}/points/redeem`, { points: 75, reason: 'Redeemed at till 2' });
    expect(res.status).toBe(200);
    await page.waitForFunction(([id, v]) => document.getElementById(`pts-${id}`)?.textContent === v, [john.id, String(start - 75)] as const, { timeout: 10_000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(await page.locator('#toasts').innerText()).toContain('Points updated: John Doe \u221275');
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(await page.locator(`#redeemed-${john.id}`).innerText()).toBe(String(redeemed + 75));
    await page.screenshot({ path: `${SHOTS}/admin-customers-live.png` });

    // This admin's own change (cookie-authenticated API call from the page) updates in place but is
    // not toasted: toasts announce remote changes only.
    const own = await page.evaluate(async (id) => {
      const csrf = JSON.parse(document.body.getAttribute('hx-headers:inherited')!)['X-CSRF-Token'];
      const r = await fetch(`/api/v1/customers/${id}/points/add`, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ points: 3 }),
      });
      return r.status;
    }, john.id);
    expect(own).toBe(200);
    await page.waitForFunction(([id, v]) => document.getElementById(`pts-${id}`)?.textContent === v, [john.id, String(start - 72)] as const, { timeout: 10_000 });
    expect(await page.locator('#toasts').innerText()).not.toContain('John Doe +3');
    await page.context().close();
  }, 60_000);

  test('while the stream is down the page says so and refreshes itself; on reconnect it is live again and missed changes arrive', async () => {
    const page = await signedIn('owner@alpha.test', 'correct horse');
    await page.addInitScript(() => { (window as any).tillstreamPollMs = 400; });
    await page.goto(`${origin}/alpha/admin/customers/${john.id}`);
    await live(page);
    await page.evaluate(() => { (window as any).__sameDocument = true; });
    // Cut the stream: refuse reconnects, then end every open stream from the server side.
    await page.route('**/admin/stream*', (route) => route.abort());
    t.hub.stop();
    await page.locator('#live[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    expect((await page.locator('#live').textContent())!.replace(/\s+/g, ' ').trim()).toBe('○ Reconnecting…');
    // Reconnects keep failing: the indicator says Offline.
    await page.locator('#live[data-state="offline"]').waitFor({ timeout: 20_000 });
    expect((await page.locator('#live').textContent())!.replace(/\s+/g, ' ').trim()).toBe('○ Offline');
    // A change while down shows up through the polling refresh (no reload, no stream).
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 3, reason: 'While offline' });
    await page.getByText('While offline').waitFor({ timeout: 10_000 });
    // Back up: the indicator returns to Live, and a change made after that arrives over the stream.
    t.hub.start();
    await page.unroute('**/admin/stream*');
    await live(page);
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 4, reason: 'After reconnect' });
    await page.getByText('After reconnect').waitFor({ timeout: 10_000 });
    expect(await page.locator(`#ledger-${john.id} tr`).filter({ hasText: 'After reconnect' }).count()).toBe(1);
    expect(await page.locator(`#ledger-${john.id} tr`).filter({ hasText: 'While offline' }).count()).toBe(1);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.context().close();
  }, 90_000); // three failed reconnects with back-off, then polling: slow on purpose, slower on a busy machine

  test('search as you type narrows the list without a page load, and keeps the address in step', async () => {
    const page = await signedIn('owner@alpha.test', 'correct horse');
    await page.goto(`${origin}/alpha/admin/customers`);
    await page.evaluate(() => { (window as any).__sameDocument = true; });
    expect(await page.locator('#customer-rows tr').count()).toBe(4);
    await page.getByLabel('Search by name, phone or email').pressSequentially('zeb', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#customer-rows tr').length === 1, null, { timeout: 10_000 });
    expect(await page.locator('#customer-rows').innerText()).toContain('Zed Zebra');
    expect(page.url()).toBe(`${origin}/alpha/admin/customers?q=zeb`);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.context().close();
  }, 60_000);

  test('a new online order appears on the open orders board at once, with the sound cue', async () => {
    const page = await ownerLivePage('orders');
    await page.getByRole('button', { name: 'Test sound' }).click(); // a user gesture unlocks WebAudio
    const beepsBefore = await page.evaluate(() => (window as any).tillstreamBeeps ?? 0);
    const res = await t.a.post('/api/v1/orders', {
      source: 'online', orderType: 'collection', customer: { phone: '+447306506797', name: 'John Doe' },
      items: [{ name: 'Margherita', quantity: 2, unitPriceCents: 899 }], specialInstructions: 'No basil',
    });
    expect(res.status).toBe(201);
    const card = page.locator(`#col-pending #order-${res.body.id}`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.innerText()).toContain('Margherita');
    await page.waitForFunction((n) => ((window as any).tillstreamBeeps ?? 0) > n, beepsBefore, { timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/admin-orders.png` });
    // One click advances the status: the card moves to the next column.
    await card.getByRole('button', { name: 'Start preparing' }).click();
    await page.locator(`#col-preparing #order-${res.body.id}`).waitFor({ timeout: 10_000 });
    const [row] = await t.sql`select status from orders where id = ${res.body.id}`;
    expect(row.status).toBe('preparing');
    await page.context().close();
  }, 60_000);

  test('gift cards sold, redeemed and voided elsewhere show on the open gift cards page without reload', async () => {
    const page = await ownerLivePage('gift-cards');
    await page.evaluate(() => { (window as any).__sameDocument = true; });
    // Sold at a till: the new card heads the recently issued list (masked) at once.
    const sold = await t.a.post('/api/v1/gift-cards', { amountCents: 2500, purchasedBy: 'Till 2 buyer' });
    expect(sold.status).toBe(201);
    const row = page.locator(`#recent-cards tr#gc-row-${sold.body.id}`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain('Till 2 buyer');
    expect(await row.innerText()).not.toContain(sold.body.code); // full codes never travel on the stream
    // Open the card in the panel, then spend from it through the API: panel and list both follow.
    await page.getByLabel('Gift card code').fill(sold.body.code);
    await page.getByRole('button', { name: 'Check balance' }).click();
    await page.locator(`#gc-panel-bal-${sold.body.id}`).waitFor();
    expect((await t.a.post(`/api/v1/gift-cards/${sold.body.code}/redeem`, { amountCents: 700 })).status).toBe(200);
    for (const id of [`gc-panel-bal-${sold.body.id}`, `gc-recent-bal-${sold.body.id}`]) {
      await page.waitForFunction(([el, text]) => document.getElementById(el)?.textContent?.includes(text), [id, '18.00'] as const, { timeout: 10_000 });
    }
    // Voided elsewhere: the status changes and the panel no longer offers redeem or void.
    expect((await t.a.post(`/api/v1/gift-cards/${sold.body.code}/void`, { reason: 'Lost' })).status).toBe(200);
    await page.waitForFunction((id) => document.getElementById(`gc-panel-status-${id}`)?.textContent === 'void', sold.body.id, { timeout: 10_000 });
    expect(await page.locator(`#gc-recent-status-${sold.body.id}`).innerText()).toBe('void');
    expect(await page.locator('#card-panel').getByRole('button', { name: 'Redeem' }).count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.context().close();
  }, 60_000);

  test("another owner's settings change shows on an open settings form, but never over half-typed edits", async () => {
    const page = await ownerLivePage('settings');
    expect((await t.a.patch('/api/v1/settings', { earnPointsPerUnit: 2 })).status).toBe(200);
    await page.waitForFunction(() => (document.getElementById('set-earnPointsPerUnit') as HTMLInputElement)?.value === '2', null, { timeout: 10_000 });
    expect(await page.locator('#settings-form').innerText()).toContain('Settings changed by');
    // Now this owner is typing: a second remote change keeps the typing and says so.
    await page.locator('#set-pointValueCents').fill('7');
    expect((await t.a.patch('/api/v1/settings', { earnPointsPerUnit: 3 })).status).toBe(200);
    await page.locator('#settings-form [data-stale-notice]').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#set-pointValueCents').inputValue()).toBe('7');
    expect(await page.locator('#set-earnPointsPerUnit').inputValue()).toBe('2');
    await page.screenshot({ path: `${SHOTS}/admin-settings-stale.png` });
    expect((await t.a.patch('/api/v1/settings', { earnPointsPerUnit: 1 })).status).toBe(200);
    await page.context().close();
  }, 60_000);

  test('the POS terminal looks up a phone and shows insufficient points plainly', async () => {
    const page = await signedIn('owner@alpha.test', 'correct horse');
    await page.goto(`${origin}/alpha/admin/pos`);
    await page.getByLabel('Customer phone').fill('07306 506797');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('#pos-card .pos-name').waitFor();
    const balance = Number((await page.locator(`#pts-${john.id}`).innerText()).replace(/,/g, ''));
    await page.locator('#pos-redeem-points').fill(String(balance + 50));
    await page.locator('.pos-action.redeem').getByRole('button', { name: 'Redeem', exact: true }).click();
    await page.getByText(`Not enough points: ${balance} available, ${balance + 50} requested.`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/admin-pos.png` });
    await page.locator('.pos-action.add').getByRole('button', { name: 'Add 10', exact: true }).click();
    await page.waitForFunction(([id, v]) => document.getElementById(`pts-${id}`)?.textContent === String(v), [john.id, balance + 10] as const, { timeout: 10_000 });
    await page.context().close();
  }, 60_000);

  test('refused forms keep their inline errors and what was typed on screen (settings, POS lookup, gift card code)', async () => {
    // The page has applied events already (its data-seq is above 0): a refusal, stamped 0, must not be
    // mistaken for a stale fragment and re-read away. A stale fragment is re-read 50 ms after its swap,
    // so each check lets the page settle for half a second before looking again (the stream keeps the
    // network busy, so there is no idle moment to wait for).
    const settle = () => page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    const page = await ownerLivePage('settings');
    await page.locator('#set-pointValueCents').fill('0');
    await page.locator('#set-currency').fill('euro');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('A whole number from 1 to 100000.').waitFor({ timeout: 10_000 });
    await settle();
    expect(await page.getByText('A whole number from 1 to 100000.').isVisible()).toBe(true);
    expect(await page.locator('#set-pointValueCents').inputValue()).toBe('0');
    await page.screenshot({ path: `${SHOTS}/admin-settings-refused.png`, fullPage: true });

    await page.goto(`${origin}/alpha/admin/pos`);
    await page.getByLabel('Customer phone').fill('not a phone');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByText('"not a phone" is not a phone number.').waitFor({ timeout: 10_000 });
    await settle();
    expect(await page.getByText('"not a phone" is not a phone number.').isVisible()).toBe(true);

    await page.goto(`${origin}/alpha/admin/gift-cards`);
    await page.getByLabel('Gift card code').fill('GC-0000-0000-0000-0000');
    await page.getByRole('button', { name: 'Check balance' }).click();
    await page.getByText('Gift card not found.').waitFor({ timeout: 10_000 });
    await settle();
    expect(await page.getByText('Gift card not found.').isVisible()).toBe(true);
    await page.context().close();
  }, 60_000);

  test('staff cannot open API keys or settings, and the nav does not offer them', async () => {
    const page = await signedIn('staff@alpha.test', 'staff password');
    expect(await page.locator('nav').innerText()).not.toContain('API keys');
    expect(await page.locator('nav').innerText()).not.toContain('Settings');
    for (const path of ['keys', 'settings']) {
      const res = await page.goto(`${origin}/alpha/admin/${path}`);
      expect(res!.status()).toBe(403);
      expect(await page.locator('h1').innerText()).toBe('Not allowed');
    }
    await page.context().close();
  }, 60_000);

  test('a state change without the CSRF token is refused, and another tenant\'s pages are 404', async () => {
    const page = await signedIn('owner@alpha.test', 'correct horse');
    await page.goto(`${origin}/alpha/admin/customers/${john.id}`);
    const status = await page.evaluate(async (id) => {
      const res = await fetch(`/alpha/admin/customers/${id}/points/add`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'points=500',
      });
      return res.status;
    }, john.id);
    expect(status).toBe(403);
    const [row] = await t.sql`select count(*)::int as n from ledger where customer_id = ${john.id} and points = 500`;
    expect(row.n).toBe(0);
    const other = await page.goto(`${origin}/bravo/admin/customers`);
    expect(other!.status()).toBe(404);
    await page.context().close();
  }, 60_000);

  test('the Terminals page shows a connected till, flags one behind, and greys a till within seconds of it disconnecting, at 390 and 1280 px', async () => {
    const kitchen = await createApiKey(t.sql, t.tenantA.id, 'Kitchen screen');
    const bar = await createApiKey(t.sql, t.tenantA.id, 'Bar till');
    for (let i = 0; i <= LAG_FLAG_EVENTS; i++) await t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({ i })})`;
    const [{ seq }] = await t.sql`select event_seq as seq from tenant_counters where tenant_id = ${t.tenantA.id}`;
    // The bar till as another instance reports it: connected, LAG_FLAG_EVENTS + 1 events behind.
    await t.sql`insert into terminal_presence (instance_id, api_key_id, streams, connected_at, last_event_id_sent, heartbeat_at, expires_at)
      values (gen_random_uuid(), ${bar.id}, 1, now(), ${Number(seq) - LAG_FLAG_EVENTS - 1}, now(), now() + interval '10 minutes')`;
    const stream = listen(`${origin}/api/v1/events/stream`, kitchen.apiKey);
    await stream.opened;

    for (const width of [390, 1280]) {
      const page = await signedIn('owner@alpha.test', 'correct horse', 'alpha', { width, height: 800 });
      await openMenu(page);
      await page.getByRole('link', { name: 'Terminals' }).click();
      await page.waitForURL(`${origin}/alpha/admin/terminals`);
      await page.locator(`#terminal-${kitchen.id}[data-state="live"]`).waitFor({ timeout: 10_000 });
      expect(await page.locator(`#terminal-${kitchen.id} .status`).innerText()).toContain('Connected');
      await page.locator(`#terminal-${bar.id}[data-state="behind"]`).waitFor({ timeout: 5000 });
      expect(await page.locator(`#terminal-${bar.id} .status`).innerText()).toContain(`${LAG_FLAG_EVENTS + 1} events behind`);
      // The page fits the phone; the table scrolls sideways inside it.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${SHOTS}/admin-terminals-${width}.png`, fullPage: true });
      if (width === 390) { await page.context().close(); continue; }

      await page.evaluate(() => { (window as any).__sameDocument = true; });
      stream.close();
      await page.locator(`#terminal-${kitchen.id}[data-state="offline"]`).waitFor({ timeout: 10_000 });
      expect(await page.locator(`#terminal-${kitchen.id} .status`).innerText()).toContain('Not connected');
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      await page.screenshot({ path: `${SHOTS}/admin-terminals-grey-${width}.png`, fullPage: true });
      await page.context().close();
    }
    await t.sql`delete from terminal_presence where api_key_id = ${bar.id}`;
  }, 40_000);

  test('screenshots of the customer detail, activity, gift cards and settings pages at tablet size', async () => {
    const page = await signedIn('owner@alpha.test', 'correct horse');
    for (const [path, name] of [[`customers/${john.id}`, 'customer'], ['activity', 'activity'], ['gift-cards', 'gift-cards'],
      ['settings', 'settings'], ['keys', 'keys'], ['dashboard', 'dashboard']]) {
      const res = await page.goto(`${origin}/alpha/admin/${path}`);
      expect(res!.status()).toBe(200);
      await page.screenshot({ path: `${SHOTS}/admin-${name}.png`, fullPage: true });
    }
    await page.context().close();
  }, 60_000);
});


describe('the location switcher in a browser', () => {
  // Bravo is a group of two sites (alpha, above, has none: its header has no picker).
  const sites = async () => {
    const key = client(t.app, t.keyB);
    const soho = (await key.post('/api/v1/locations', { name: 'Soho', code: 'SOHO', timeZone: 'Europe/London' })).body;
    const brooklyn = (await key.post('/api/v1/locations', { name: 'Brooklyn', code: 'BKLYN', timeZone: 'America/New_York' })).body;
    await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'bravo password');
    return { soho: soho.id as string, brooklyn: brooklyn.id as string };
  };
  let bravo: Promise<{ soho: string; brooklyn: string }> | null = null;
  const chosen = async () => (await t.sql`select chosen_location_id as id from admins where email = 'owner@bravo.test'`)[0]!.id;

  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    test(`at ${viewport.width} px: picking a site reloads the dashboard as that site's, remembered across pages; All locations shows the group`, async () => {
      const { soho, brooklyn } = await (bravo ??= sites());
      await t.sql`update admins set chosen_location_id = null where email = 'owner@bravo.test'`;
      const page = await signedIn('owner@bravo.test', 'bravo password', 'bravo', viewport);
      await live(page);
      await openMenu(page); // on a phone the picker is in the header's menu
      const picker = page.getByLabel('Location', { exact: true });
      expect(await picker.isVisible()).toBe(true);
      // The header fits the phone: nothing pushes the page sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: `${SHOTS}/switcher-all-${viewport.width}.png`, fullPage: true });

      await picker.selectOption({ label: 'Brooklyn' });
      await page.locator(`#dashboard[data-location="${brooklyn}"]`).waitFor({ timeout: 5000 });
      expect(await chosen()).toBe(brooklyn);
      expect(await page.locator('.scope').innerText()).toContain('Brooklyn');
      expect(await page.locator('.scope').innerText()).toContain('America/New_York');
      expect(await page.locator('header.top .here').textContent()).toBe('Brooklyn'); // the folded phone header says where
      await live(page);
      await page.screenshot({ path: `${SHOTS}/switcher-site-${viewport.width}.png`, fullPage: true });

      // Remembered per admin: another page's header shows the same pick.
      await page.goto(`${origin}/bravo/admin/customers`);
      expect(await page.locator('#site-picker').inputValue()).toBe(brooklyn);
      await page.goto(`${origin}/bravo/admin/dashboard`);

      await openMenu(page);
      await page.getByLabel('Location', { exact: true }).selectOption({ label: 'All locations' });
      await page.locator('#dashboard[data-location=""]').waitFor({ timeout: 5000 });
      expect(await chosen()).toBeNull();
      expect(await page.locator('.sites-today tbody tr').count()).toBe(3);   // Brooklyn, Soho, no location
      expect(await page.locator('.sites-today tbody th').allInnerTexts()).toEqual(['Brooklyn', 'Soho', 'No location']);
      void soho;
      await page.context().close();
    }, 30_000);
  }
});
