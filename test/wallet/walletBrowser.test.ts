import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { enrol } from '../support/fixtures.ts';
import { createAdmin } from '../support/admin.ts';

// The guest's wallet in a real browser at a phone's width (390 px) and a desk's (1280 px): it updates
// the moment the till adds points, shows a clear offline state, and catches up when the network returns.

const t = await testApp();
const ui = browserOn(t.app);
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'correct horse', 'staff');
await t.sql`insert into rewards (tenant_id, name, points_cost, free_item) values (${t.tenantA.id}, 'Free coffee', 100, 'Coffee')`;
const [soho] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantA.id}, 'Soho', 'SOHO', 'Europe/London') returning id`;

async function walletAt(width: number, url: string): Promise<Page> {
  const context = await ui.browser.newContext({ viewport: { width, height: width < 500 ? 844 : 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('ERR_INTERNET_DISCONNECTED')) errors.push(m.text()); });
  await page.goto(`${ui.origin}${url}`);
  expect(errors).toEqual([]);
  return page;
}
const balanceIs = (page: Page, n: string) => page.locator('#balance', { hasText: new RegExp(`^${n}$`) }).waitFor();
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('the wallet page in a browser', () => {
  for (const [width, n] of [[390, 1], [1280, 2]] as const) {
    test(`at ${width} px it updates live when the till adds points, shows when it is offline, and catches up on reconnect`, async () => {
      const c = await enrol(t.a, `+44730690000${n}`, 40, 'Private Name');
      const link = await t.a.post(`/api/v1/customers/${c.id}/wallet-link`);
      const page = await walletAt(width, link.body.url);
      await expect(page.locator('#tenant').textContent()).resolves.toBe('Alpha Diner');
      await balanceIs(page, '40');
      await expect(page.locator('#progress').textContent()).resolves.toContain('60 more points to Free coffee');
      await page.waitForFunction(() => document.body.dataset.state === 'live');
      await page.screenshot({ path: `${ui.shots}/wallet-${width}-before.png`, fullPage: true });

      expect((await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 25, locationId: soho.id })).status).toBe(200);
      await balanceIs(page, '65');
      await page.locator('#activity li', { hasText: '+25' }).first().waitFor();
      await expect(page.locator('#activity li').first().textContent()).resolves.toContain('Soho');
      await expect(page.locator('#progress').textContent()).resolves.toContain('35 more points to Free coffee');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/wallet-${width}-live.png`, fullPage: true });

      // The network goes: the page says so at once; points added meanwhile arrive when it returns.
      await page.context().setOffline(true);
      await page.locator('#status', { hasText: 'Offline' }).waitFor();
      await page.screenshot({ path: `${ui.shots}/wallet-${width}-offline.png`, fullPage: true });
      expect((await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 10 })).status).toBe(200);
      expect((await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 30 })).status).toBe(200);
      await expect(page.locator('#balance').textContent()).resolves.toBe('65');
      await page.context().setOffline(false);
      await balanceIs(page, '105');
      await page.locator('#status').waitFor({ state: 'hidden' });
      await expect(page.locator('#activity li').allTextContents()).resolves.toHaveLength(4);
      await expect(page.locator('#progress').textContent()).resolves.toContain('any reward');
      await expect(page.content()).resolves.not.toContain('Private Name');
      await page.screenshot({ path: `${ui.shots}/wallet-${width}-caught-up.png`, fullPage: true });
      console.log(`screenshots: ${ui.shots}`);
      await page.context().close();
    }, 30_000);
  }

  test('staff make a link on the customer page: its QR code and URL show, and the URL opens the wallet', async () => {
    const c = await enrol(t.a, '+447306900008', 20);
    const context = await ui.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await page.goto(`${ui.origin}/alpha/admin/login`);
    await page.getByLabel('Email').fill('staff@alpha.test');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${ui.origin}/alpha/admin/dashboard`);
    await page.goto(`${ui.origin}/alpha/admin/customers/${c.id}`);
    await page.getByRole('button', { name: 'Make a wallet link' }).click();
    const figure = page.locator('figure.wallet-qr');
    await figure.locator('svg').waitFor();
    await figure.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ui.shots}/admin-wallet-link-390.png` });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const buttons = await page.locator('section[aria-label="Wallet link"] button').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().right));
    expect(Math.max(...buttons)).toBeLessThanOrEqual(390);
    const url = await figure.getAttribute('data-wallet-link');
    const guest = await walletAt(390, url!);
    await balanceIs(guest, '20');
    await context.close();
    await guest.context().close();
  }, 30_000);

  test('a revoked link shows that it no longer works', async () => {
    const c = await enrol(t.a, '+447306900009', 5);
    const link = await t.a.post(`/api/v1/customers/${c.id}/wallet-link`);
    const page = await walletAt(390, link.body.url);
    await page.waitForFunction(() => document.body.dataset.state === 'live');
    expect((await t.a.call('DELETE', `/api/v1/customers/${c.id}/wallet-link`)).status).toBe(200);
    await page.locator('#status', { hasText: 'no longer works' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${ui.shots}/wallet-390-revoked.png`, fullPage: true });
    await page.context().close();
  }, 30_000);
});
