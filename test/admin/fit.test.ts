import { describe, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { browserOn } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { enrol, issueCard } from '../support/fixtures.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { NAV } from '../../views/shell/layout.tsx';

// Every admin page on the devices staff hold: a phone (390×844) and a counter tablet (1280×800), with
// realistic data. The pages come from the header's NAV list, plus one page of each kind linked from them
// (a customer, an order, a gift card…), so a section added later is checked without editing this file.
// Screenshots land in the run's own directory (printed once) for a person to look at.

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1280, height: 800 };
/** The collapsed header on a phone: one row, leaving the screen to the page. */
const PHONE_HEADER_MAX = 120;
const TAP_MIN = 44;

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await createAdmin(t.sql, t.tenantA.id, 'a.very.long.staff.address.for.wrapping@alpha-restaurants.example', 'staff password', 'staff');

// Data as a busy restaurant has it: long names, two sites, every order state, cards, keys, a queue item.
for (const [name, code] of [['Covent Garden Piazza Flagship', 'CGPF'], ['Shoreditch High Street', 'SHST']]) {
  expect((await t.a.post('/api/v1/locations', { name, code, timeZone: 'Europe/London' })).status).toBe(201);
}
const john = await enrol(t.a, '+447306506797', 275, 'Johnathan Maximilian Featherstonehaugh-Smythe');
await t.a.post(`/api/v1/customers/${john.id}/points/redeem`, { points: 40, reason: 'Redeemed a very long named reward at the front counter till' });
for (let i = 0; i < 12; i++) await enrol(t.a, `+4473065061${String(i).padStart(2, '0')}`, i * 10, `Customer number ${i}`);
const orders: string[] = [];
for (const [i, status] of (['pending', 'preparing', 'ready', 'completed', 'cancelled', 'pending'] as const).entries()) {
  const res = await t.a.post('/api/v1/orders', {
    source: 'online', orderType: 'collection', customer: { phone: '+447306506797', name: 'Johnathan Maximilian Featherstonehaugh-Smythe' },
    items: [{ name: 'Margherita pizza with extra buffalo mozzarella', quantity: 2, unitPriceCents: 1299 }, { name: 'Fries', quantity: 1, unitPriceCents: 300 }],
    specialInstructions: i % 2 ? 'Nut allergy: please keep entirely separate from the sesame dressing' : undefined,
  });
  expect(res.status).toBe(201);
  orders.push(res.body.id);
  const path: Record<string, string[]> = {
    pending: [], preparing: ['preparing'], ready: ['preparing', 'ready'], completed: ['preparing', 'ready', 'completed'], cancelled: ['cancelled'],
  };
  for (const next of path[status]!) expect((await t.a.post(`/api/v1/orders/${res.body.id}/status`, { status: next })).status).toBe(200);
}
const card = await issueCard(t.a, 5000, { purchasedBy: 'Philippa Featherstonehaugh', recipientName: 'Bartholomew Featherstonehaugh' });
await issueCard(t.a, 2500);
await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 1250 });
await createApiKey(t.sql, t.tenantA.id, 'Kitchen display screen by the pass');
await createApiKey(t.sql, t.tenantA.id, 'Front counter till');
await t.sql`insert into reconciliation_queue (tenant_id, customer_id, kind, points, detail)
  values (${t.tenantA.id}, ${john.id}, 'clawback_shortfall', 5, 'Order refunded after its points were spent: 5 points still owed')`;

const ui = browserOn(t.app);
const origin = ui.origin;
const base = `${origin}/alpha/admin`;
console.log(`fit screenshots: ${ui.shots}`);

async function signedIn(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill('owner@alpha.test');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard`);
  return page;
}

/** What is wrong with the page as shown: sideways scroll, a tall header, small tap targets. */
async function misfits(page: Page, name: string, phone: boolean, shot?: string): Promise<string[]> {
  const found: string[] = [];
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (sideways > 0) found.push(`${name}: scrolls sideways by ${sideways}px`);
  const header = (await page.locator('header.top').count()) ? await page.locator('header.top').boundingBox() : null;
  if (phone && header && header.height >= PHONE_HEADER_MAX) found.push(`${name}: header is ${header.height}px tall`);
  // Open the collapsed menu so its links are measured too; from tablet width every section shows without it.
  const menu = page.locator('header.top details.menu > summary');
  if (!phone && header) {
    if (await menu.isVisible()) found.push(`${name}: the Menu button shows at tablet width`);
    const hidden = await page.locator('header.top nav a').evaluateAll((as) => as.filter((a) => !a.checkVisibility()).length);
    if (hidden) found.push(`${name}: ${hidden} section links are hidden at tablet width`);
  }
  if (await menu.isVisible()) {
    await menu.click();
    if (shot) await page.screenshot({ path: shot });
    const opened = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (opened > 0) found.push(`${name}: scrolls sideways by ${opened}px with the menu open`);
  }
  const small = await page.evaluate((min) => {
    const out: string[] = [];
    // Links inside sentences are exempt (as WCAG 2.5.8 has it); a link that is a whole table cell opens its row.
    const targets = document.querySelectorAll('button, input:not([type="hidden"]), select, textarea, summary, header a, nav a, .btn, td > a:only-child, th > a:only-child');
    for (const el of targets) {
      if (!(el as HTMLElement).checkVisibility({ visibilityProperty: true })) continue;
      // A checkbox is tapped through its label; the label is what must be big enough.
      const box = (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? el.closest('label') ?? el : el)
        .getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.height < min) out.push(`${el.tagName.toLowerCase()} "${(el.textContent || (el as HTMLInputElement).name || el.id).trim().slice(0, 30)}" is ${Math.round(box.height)}px tall`);
    }
    return out;
  }, TAP_MIN);
  for (const s of small) found.push(`${name}: ${s}`);
  if (await menu.isVisible()) await menu.click();
  return found;
}

/** One link of each shape (ids replaced) from the page's main region: detail pages reached from a section. */
async function linkedPages(page: Page): Promise<string[]> {
  return page.evaluate((prefix) => [...document.querySelectorAll<HTMLAnchorElement>('main a[href]')]
    .filter((a) => !a.hasAttribute('download'))
    .map((a) => new URL(a.href, location.href))
    .filter((u) => u.origin === location.origin && u.pathname.startsWith(prefix) && !/export|\.csv$/.test(u.pathname))
    .map((u) => u.pathname + u.search), '/alpha/admin/');
}
const shape = (path: string) => path.replace(/[0-9a-f]{8}-[0-9a-f-]{27,}|\b\d+\b/gi, ':id').replace(/\?.*$/, '');

const slug = (path: string) => path.replace(/^\/alpha\/admin\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'home';

describe('every admin page fits a phone and a counter tablet', () => {
  for (const [label, viewport] of [['phone', PHONE], ['tablet', TABLET]] as const) {
    test(`at ${viewport.width}×${viewport.height} (${label}) no page scrolls sideways, the header is compact and every control is at least ${TAP_MIN}px tall`, async () => {
      const problems: string[] = [];
      const phone = label === 'phone';

      // Signed out: the sign-in page.
      const bare = await (await ui.browser.newContext({ viewport, deviceScaleFactor: 1 })).newPage();
      await bare.goto(`${base}/login`);
      await bare.screenshot({ path: `${ui.shots}/login-${viewport.width}.png`, fullPage: true });
      problems.push(...await misfits(bare, 'login', phone));
      await bare.context().close();

      const page = await signedIn(ui.browser, viewport);
      const seen = new Set<string>();
      const visit = async (path: string, after?: () => Promise<void>, name = slug(path)) => {
        const res = await page.goto(`${origin}${path}`);
        expect(res?.status()).toBe(200);
        await after?.();
        await page.screenshot({ path: `${ui.shots}/${name}-${viewport.width}.png`, fullPage: true });
        problems.push(...await misfits(page, path, phone, `${ui.shots}/${name}-${viewport.width}-menu.png`));
      };

      const sections = NAV.map((n) => `/alpha/admin/${n.href}`);
      // The customer with the longest history stands for the customer page; other kinds are found by following links.
      const linked: string[] = [`/alpha/admin/customers/${john.id}`];
      seen.add(shape(linked[0]!));
      for (const path of sections) {
        seen.add(shape(path));
        await visit(path);
        for (const link of await linkedPages(page)) {
          if (seen.has(shape(link))) continue;
          seen.add(shape(link));
          linked.push(link);
        }
      }
      for (const path of linked) {
        // A link to a download (CSV, a printable file) is not a page to fit.
        const type = (await page.request.get(`${origin}${path}`)).headers()['content-type'] ?? '';
        if (type.startsWith('text/html')) await visit(path);
      }

      // The POS with a customer loaded: the case that used to push the page sideways.
      await visit('/alpha/admin/pos', async () => {
        await page.getByLabel('Customer phone').fill('+447306506797');
        await page.getByRole('button', { name: 'Look up' }).click();
        await page.locator('#pos-card .pos-name').waitFor();
      }, 'pos-customer');
      await page.context().close();

      expect(problems).toEqual([]);
    }, 120_000);
  }
});
