import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { browserOn } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// Live, never stale, in a real browser: a customer page and a POS page for the same customer are open
// side by side while the API redeems a reward for that customer (another till) and an owner deactivates
// a reward. The progress line, the next expiry and the POS buttons follow without a reload.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'ana@alpha.test', 'ana password');
const owner = (await signIn(t.app, 'alpha', 'ana@alpha.test', 'ana password')).api();
const ui = browserOn(t.app);

async function signedIn(width: number): Promise<BrowserContext> {
  const context = await ui.browser.newContext({ viewport: { width, height: width < 500 ? 844 : 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  await page.goto(`${ui.origin}/alpha/admin/login`);
  await page.getByLabel('Email').fill('ana@alpha.test');
  await page.getByLabel('Password').fill('ana password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${ui.origin}/alpha/admin/dashboard`);
  await page.close();
  return context;
}

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${ui.origin}/alpha/admin${path}`);
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
  return page;
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('reward progress, next expiry and POS reward buttons are live', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px: an API reward redemption and a deactivation reach an open customer page and POS page`, async () => {
      expect((await t.a.patch('/api/v1/settings', { pointsExpireAfterDays: 30 })).status).toBe(200);
      const coffee = await owner.post('/api/v1/rewards', { name: `Live coffee ${width}`, pointsCost: 100, freeItem: 'Coffee' });
      const cake = await owner.post('/api/v1/rewards', { name: `Live cake ${width}`, pointsCost: 400, freeItem: 'Cake' });
      expect([coffee.status, cake.status]).toEqual([201, 201]);
      try {
        const c = await enrol(t.a, width === 390 ? '+447306515390' : '+447306515128', 340, 'Lee Live');

        const context = await signedIn(width);
        const customer = await open(context, `/customers/${c.id}`);
        expect(await text(customer, `#progress-${c.id}`)).toContain(`60 points to Live cake ${width}`);
        expect(await text(customer, `#expiry-${c.id}`)).toMatch(/^340 points on \d{1,2} \w{3} \d{4}$/);
        const pos = await open(context, '/pos');
        await pos.locator('#pos-phone').fill(c.phone);
        await pos.getByRole('button', { name: 'Look up' }).click();
        const coffeeButton = pos.locator('.pos-rewards button', { hasText: `Live coffee ${width}` });
        await coffeeButton.waitFor();

        // Another till redeems the coffee: 240 left, still enough for another coffee.
        expect((await t.a.post(`/api/v1/customers/${c.id}/rewards/${coffee.body.id}/redeem`, {})).status).toBe(200);
        await customer.locator(`#progress-${c.id}`, { hasText: `160 points to Live cake ${width}` }).waitFor();
        await customer.locator(`#expiry-${c.id}`, { hasText: '240 points on' }).waitFor();
        await customer.locator(`#ledger-${c.id} tr[data-reward-id="${coffee.body.id}"]`).waitFor();
        await pos.locator(`#pts-${c.id}`, { hasText: '240' }).waitFor();
        expect(await coffeeButton.count()).toBe(1);
        await pos.screenshot({ path: join(ui.shots, `live-pos-redeemed-${width}.png`), fullPage: true });

        // The owner deactivates the coffee: its button goes from the POS, and the customer page stops counting it.
        expect((await owner.patch(`/api/v1/rewards/${coffee.body.id}`, { active: false })).status).toBe(200);
        await coffeeButton.waitFor({ state: 'detached' });
        await pos.locator(`#pos-rewards-${c.id}[data-count="0"]`).waitFor({ state: 'attached' });
        await customer.locator(`#progress-${c.id}`, { hasText: 'Enough points' }).waitFor({ state: 'detached' });
        expect(await text(customer, `#progress-${c.id}`)).toContain(`160 points to Live cake ${width}`);

        // Nothing sideways at either width; the screenshots are looked at, not just taken.
        for (const [name, page] of [['customer', customer], ['pos', pos]] as const) {
          expect(await overflow(page)).toBeLessThanOrEqual(0);
          await page.screenshot({ path: join(ui.shots, `live-${name}-${width}.png`), fullPage: true });
        }
        console.log(`screenshots: ${ui.shots}`);
        const [row] = await t.sql`select points_balance from customers where id = ${c.id}`;
        expect(row.points_balance).toBe(240);
        await context.close();
      } finally {
        // The next width starts from an empty menu and expiry off.
        for (const r of [coffee, cake]) expect((await owner.patch(`/api/v1/rewards/${r.body.id}`, { active: false })).status).toBe(200);
        expect((await t.a.patch('/api/v1/settings', { pointsExpireAfterDays: null })).status).toBe(200);
      }
    }, 60_000);
  }
});
