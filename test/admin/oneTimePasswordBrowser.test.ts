import { describe, expect, test } from 'bun:test';
import { browserOn, openMenu } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';

// In Chromium, at 390 px and 1280 px: an owner adds a staff admin on the Team page; the staff admin signs
// in with the one-time password, lands on "Choose your password", cannot get anywhere else, chooses one,
// and reaches the back office.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const ui = browserOn(t.app);
const origin = ui.origin;

async function signedIn(width: number, email: string, password: string) {
  const context = await ui.browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/alpha/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}
const overflow = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('a one-time password in a browser', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px the new admin must choose their own password before anything else`, async () => {
      const owner = await signedIn(width, 'owner@alpha.test', 'correct horse');
      await owner.waitForURL(`${origin}/alpha/admin/dashboard`);
      await owner.goto(`${origin}/alpha/admin/team`);
      const email = `new${width}@alpha.test`;
      await owner.locator('#team-email').fill(email);
      await owner.getByRole('button', { name: 'Add and make a password' }).click();
      await owner.locator('#team-new-password').waitFor();
      const oneTime = await owner.locator('#team-new-password').inputValue();

      const page = await signedIn(width, email, oneTime);
      await page.waitForURL(`${origin}/alpha/admin/password`);
      expect(await page.locator('h1').textContent()).toBe('Choose your password');
      expect(await page.getByRole('link', { name: 'Customers' }).count()).toBe(0); // no nav to wander off by
      await page.goto(`${origin}/alpha/admin/customers`);
      await page.waitForURL(`${origin}/alpha/admin/password`);

      await page.getByLabel('One-time password').fill(oneTime);
      await page.getByLabel('New password', { exact: true }).fill('my own password');
      await page.getByLabel('New password again').fill('my own passwerd');
      await page.getByRole('button', { name: 'Save password' }).click();
      await page.locator('#pw-confirm-error', { hasText: 'The two new passwords differ.' }).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/one-time-password-${width}.png`, fullPage: true });

      await page.getByLabel('One-time password').fill(oneTime);
      await page.getByLabel('New password', { exact: true }).fill('my own password');
      await page.getByLabel('New password again').fill('my own password');
      await page.getByRole('button', { name: 'Save password' }).click();
      await page.waitForURL(`${origin}/alpha/admin/dashboard`);
      await openMenu(page);
      await page.getByRole('link', { name: 'Customers' }).click();
      await page.waitForURL(`${origin}/alpha/admin/customers`);
      const [row] = await t.sql`select password_must_change, password_hash from admins where email = ${email}`;
      expect(row.password_must_change).toBe(false);
      expect(await Bun.password.verify('my own password', row.password_hash)).toBe(true);
      console.log(`screenshots: ${ui.shots}`);
      await owner.context().close();
      await page.context().close();
    }, 60_000);
  }
});
