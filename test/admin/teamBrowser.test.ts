import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, openMenu } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';

// The Team page in a real browser at a phone's width (390 px) and a desk's (1280 px). Chromium comes from
// the system (test/support/browser.ts).

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');

const ui = browserOn(t.app);
const origin = ui.origin;

async function ownerOnTeam(width: number): Promise<Page> {
  const context = await ui.browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('dialog', (d) => d.accept()); // hx-confirm on Reset password and Deactivate
  await page.goto(`${origin}/alpha/admin/login`);
  await page.getByLabel('Email').fill('owner@alpha.test');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/alpha/admin/dashboard`);
  await openMenu(page);
  await page.getByRole('link', { name: 'Team' }).click();
  await page.waitForURL(`${origin}/alpha/admin/team`);
  return page;
}

const shows = (page: Page, selector: string, text: string) => page.locator(selector, { hasText: text }).first().waitFor({ timeout: 5000 });
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const adminByEmail = async (email: string) => (await t.sql`select id, role, deactivated_at, password_hash from admins where email = ${email}`)[0];

describe('the Team page in a browser', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px an owner adds staff, sees the password once, resets it, makes them owner and deactivates them, all in place`, async () => {
      const page = await ownerOnTeam(width);
      await page.evaluate(() => { (window as any).__sameDocument = true; });
      const email = `staff${width}@alpha.test`;

      await page.locator('#team-email').fill('owner@alpha.test');
      await page.getByRole('button', { name: 'Add and make a password' }).click();
      await shows(page, '#team-email-error', 'owner@alpha.test is already on the team.');

      await page.locator('#team-email').fill(email);
      await page.getByRole('button', { name: 'Add and make a password' }).click();
      await page.locator('#team-new-password').waitFor();
      const first = await page.locator('#team-new-password').inputValue();
      const made = await adminByEmail(email);
      expect(made.role).toBe('staff');
      expect(await Bun.password.verify(first, made.password_hash)).toBe(true);
      expect(await page.locator('#team-email').inputValue()).toBe('');
      const card = page.locator(`#admin-${made.id}`);
      await card.waitFor();
      await page.screenshot({ path: `${ui.shots}/admin-team-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      await card.getByRole('button', { name: 'Reset password' }).click();
      await shows(page, `#admin-${made.id} .ok`, 'New password made');
      const second = await page.locator(`#admin-${made.id}-password`).inputValue();
      expect(second).not.toBe(first);
      const reset = await adminByEmail(email);
      expect(await Bun.password.verify(second, reset.password_hash)).toBe(true);
      expect(await Bun.password.verify(first, reset.password_hash)).toBe(false);

      await page.locator(`#admin-${made.id}-role`).selectOption('owner');
      await page.locator(`#admin-${made.id}`).getByRole('button', { name: 'Change role' }).click();
      await shows(page, `#admin-${made.id} .ok`, 'Now an owner.');
      expect((await adminByEmail(email)).role).toBe('owner');

      await page.locator(`#admin-${made.id}`).getByRole('button', { name: 'Deactivate' }).click();
      await page.locator(`#admin-${made.id}`).getByRole('button', { name: 'Reactivate' }).waitFor();
      expect((await adminByEmail(email)).deactivated_at).not.toBeNull();
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/admin-team-done-${width}.png`, fullPage: true });
      console.log(`screenshots: ${ui.shots}`);
      await page.context().close();
    }, 30_000);
  }
});
