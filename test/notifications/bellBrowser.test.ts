import { describe, expect, test } from 'bun:test';
import type { BrowserContext, Page } from 'playwright-core';
import { browserOn, openMenu } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { burger } from '../support/fixtures.ts';

// The bell in a real browser, at a phone's width (390 px: the header is one row with a Menu button, and
// the bell stays in it) and a desk's (1280 px). Two tabs of one admin stay consistent: a notification
// shows a toast and the badge in both, and reading in one clears the other's badge. Screenshots go to
// the run's own directory (test/support/browser.ts); look at them.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'correct horse');
const ui = browserOn(t.app);
const origin = ui.origin;

async function signedIn(width: number, slug: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await ui.browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/${slug}/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/${slug}/admin/dashboard`);
  return { context, page };
}

async function tab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  return page;
}

const live = (page: Page) => page.locator('#live[data-state="live"]').waitFor();
const badge = (page: Page) => page.locator('#bell-count');
const unreadShown = async (page: Page, n: number) => {
  if (n === 0) await badge(page).waitFor({ state: 'hidden' });
  else await page.locator(`#bell-count[data-unread="${n}"]`).waitFor({ state: 'visible' });
};

describe('the bell in a browser', () => {
  for (const [width, slug, api] of [[390, 'alpha', t.a], [1280, 'bravo', t.b]] as const) {
    test(`at ${width} px: toasts and the badge in two tabs, read in one clears the other, read-all, delete, survives a refresh`, async () => {
      const email = `owner@${slug}.test`;
      const [{ id: adminId }] = await t.sql`select id from admins where email = ${email}`;
      const { context, page: one } = await signedIn(width, slug, email);
      const two = await tab(context, `${origin}/${slug}/admin/orders`);
      await Promise.all([live(one), live(two)]);

      // The bell is in the header, outside the menu, a 44 px target, with nothing unread yet.
      const bell = one.locator('header.top #bell > summary');
      await bell.waitFor({ state: 'visible' });
      const box = (await bell.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(await badge(one).isHidden()).toBe(true);

      // An online order: a toast and a badge in both tabs.
      const o1 = await api.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] });
      expect(o1.status).toBe(201);
      for (const p of [one, two]) {
        await unreadShown(p, 1);
        await p.locator('#toasts .toast.notify', { hasText: `New online order ${o1.body.orderNumber}` }).waitFor();
      }
      await one.screenshot({ path: `${ui.shots}/bell-toast-${width}.png` });

      // Open the panel in tab one: newest first; read it there, and tab two's badge clears.
      const o2 = await api.post('/api/v1/orders', { source: 'online', orderType: 'collection', items: [burger] });
      await unreadShown(one, 2);
      await unreadShown(two, 2);
      await bell.click();
      const items = one.locator('#bell-panel li.notif');
      await items.nth(1).waitFor();
      expect(await items.nth(0).locator('.notif-title').textContent()).toBe(`New online order ${o2.body.orderNumber}`);
      expect(await items.nth(1).locator('.notif-title').textContent()).toBe(`New online order ${o1.body.orderNumber}`);
      await one.screenshot({ path: `${ui.shots}/bell-panel-${width}.png` });
      await items.nth(0).getByRole('button', { name: /^Mark read/ }).click();
      await one.locator('#bell-panel li.notif.read').first().waitFor();
      await unreadShown(one, 1);
      await unreadShown(two, 1);
      const [row] = await t.sql`select read_at from notifications where admin_id = ${adminId} and title = ${`New online order ${o2.body.orderNumber}`}`;
      expect(row.read_at).not.toBeNull();

      // Tab two has its panel open; "Mark all read" in tab one clears tab two's badge and its panel follows.
      await two.locator('header.top #bell > summary').click();
      await two.locator('#bell-panel li.notif.unread').first().waitFor();
      await one.getByRole('button', { name: 'Mark all read' }).click();
      await unreadShown(one, 0);
      await unreadShown(two, 0);
      await two.locator('#bell-panel li.notif.unread').first().waitFor({ state: 'detached' });
      expect(await two.locator('#bell-panel li.notif.read').count()).toBe(2);
      expect((await t.sql`select count(*)::int as n from notifications where admin_id = ${adminId} and read_at is null`)[0].n).toBe(0);

      // Delete one in tab one: gone from the database, and from tab two's open panel.
      await one.locator('#bell-panel li.notif').first().getByRole('button', { name: /^Delete/ }).click();
      await one.locator('#bell-panel li.notif').nth(1).waitFor({ state: 'detached' });
      expect((await t.sql`select count(*)::int as n from notifications where admin_id = ${adminId}`)[0].n).toBe(1);
      await two.locator('#bell-panel li.notif').nth(1).waitFor({ state: 'detached' });

      // Read state survives a refresh (and is per admin: the other tenant's owner never saw these).
      await two.reload();
      await live(two);
      expect(await badge(two).isHidden()).toBe(true);
      const o3 = await api.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] });
      await unreadShown(two, 1);
      await two.reload();
      await unreadShown(two, 1);
      expect(await two.locator('#toasts .toast', { hasText: o3.body.orderNumber }).count()).toBe(0); // no toast again on reload

      // On a phone the bell and the Menu button share the one-row header; the menu still opens.
      await openMenu(one);
      await one.screenshot({ path: `${ui.shots}/bell-menu-${width}.png` });
      expect(await one.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await context.close();
    }, 60_000);
  }

  test('preferences persist: kinds and sound, and an impossible threshold is refused in place', async () => {
    const { context, page } = await signedIn(1280, 'alpha', 'owner@alpha.test');
    await page.goto(`${origin}/alpha/admin/notifications`);
    await page.getByLabel('A gift card sold').uncheck();
    await page.getByLabel('Play a sound when a notification arrives').uncheck();
    await page.getByLabel('Redemption threshold (points)').fill('250');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Saved.').waitFor();
    const [prefs] = await t.sql`select p.kinds, p.sound, p.redemption_threshold from notification_preferences p
      join admins a on a.id = p.admin_id where a.email = 'owner@alpha.test'`;
    expect(prefs.kinds).not.toContain('gift_card_sold');
    expect(prefs.kinds).toContain('online_order');
    expect(prefs.sound).toBe(false);
    expect(prefs.redemption_threshold).toBe(250);
    await page.reload();
    expect(await page.getByLabel('A gift card sold').isChecked()).toBe(false);
    expect(await page.locator('#bell').getAttribute('data-sound')).toBe('off');
    // The browser refuses 0 by itself (min="1"); without that check the server refuses it too, in place.
    await page.getByLabel('Redemption threshold (points)').evaluate((el) => el.removeAttribute('min'));
    await page.getByLabel('Redemption threshold (points)').fill('0');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.locator('#threshold-error').waitFor();
    expect((await t.sql`select redemption_threshold from notification_preferences p join admins a on a.id = p.admin_id
      where a.email = 'owner@alpha.test'`)[0].redemption_threshold).toBe(250);
    await page.screenshot({ path: `${ui.shots}/notification-prefs-1280.png`, fullPage: true });
    await context.close();
  }, 30_000);
});

console.log('screenshots:', ui.shots);
