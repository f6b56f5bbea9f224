import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, openMenu } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';

// The Locations page and the site select of the API-keys page in a real browser, at a phone's width
// (390 px) and a desk's (1280 px). Chromium comes from the system (test/support/browser.ts).

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const staffId = await createAdmin(t.sql, t.tenantA.id, 'till@alpha.test', 'staff password', 'staff');

const ui = browserOn(t.app);
const origin = ui.origin;
const SHOTS = ui.shots;

async function ownerAt(width: number): Promise<Page> {
  const context = await ui.browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000); // a missing element fails the step with its selector, inside the test's time
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('dialog', (d) => d.accept()); // hx-confirm on Archive
  await page.goto(`${origin}/alpha/admin/login`);
  await page.getByLabel('Email').fill('owner@alpha.test');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/alpha/admin/dashboard`);
  await openMenu(page);
  await page.getByRole('link', { name: 'Locations' }).click();
  await page.waitForURL(`${origin}/alpha/admin/locations`);
  return page;
}

/** Wait (up to 5 s) until an element matching `selector` shows `text`. */
const shows = (page: Page, selector: string, text: string) => page.locator(selector, { hasText: text }).first().waitFor({ timeout: 5000 });

/** Nothing on the page is wider than the window: no sideways scrolling on a phone. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

const siteByCode = async (code: string) => (await t.sql`select id, name, code, time_zone, archived_at from locations
  where tenant_id = ${t.tenantA.id} and code = ${code}`)[0];

describe('the Locations page in a browser', () => {
  for (const [width, code] of [[390, 'PHONE'], [1280, 'DESK']] as const) {
    test(`at ${width} px an owner adds a site, is told inline what is wrong, renames it and archives it, all in place`, async () => {
      const page = await ownerAt(width);
      await page.evaluate(() => { (window as any).__sameDocument = true; });
      const form = page.locator('#location-form');
      await form.getByLabel('Name').fill(`Site ${code}`);
      await form.getByLabel('Code').fill('x');
      await form.getByLabel('Time zone').fill('Europe/London');
      await form.getByRole('button', { name: 'Add location' }).click();
      await shows(page, '#new-location-code-error', 'A short code of 2 to 12 letters or digits');
      expect(await page.locator('#new-location-name').inputValue()).toBe(`Site ${code}`);

      await page.locator('#new-location-code').fill(code.toLowerCase());
      await page.locator('#location-form').getByRole('button', { name: 'Add location' }).click();
      await shows(page, '#location-form .ok', `Site ${code} (${code}) added.`);
      const made = await siteByCode(code);
      const card = page.locator(`#loc-${made.id}`);
      await card.waitFor({ timeout: 5000 });
      expect(await page.locator('#new-location-name').inputValue()).toBe('');
      await page.screenshot({ path: `${SHOTS}/admin-locations-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      await card.getByLabel('Name').fill(`Site ${code} renamed`);
      await card.getByRole('button', { name: 'Save' }).click();
      await shows(page, `#loc-${made.id} .ok`, 'Saved.');
      expect((await siteByCode(code)).name).toBe(`Site ${code} renamed`);

      // The staff section: limit the staff admin to this site, in place.
      await page.locator(`#staff-${staffId}`).getByLabel('till@alpha.test').selectOption(made.id);
      await page.locator(`#staff-${staffId}`).getByRole('button', { name: 'Save' }).click();
      await shows(page, `#staff-${staffId} .ok`, `Limited to Site ${code} renamed`);
      expect((await t.sql`select location_id from admins where id = ${staffId}`)[0].location_id).toBe(made.id);

      await page.locator(`#loc-${made.id}`).getByRole('button', { name: 'Archive' }).click();
      await page.locator(`#loc-${made.id}`).getByRole('button', { name: 'Bring back' }).waitFor({ timeout: 5000 });
      expect((await siteByCode(code)).archived_at).not.toBeNull();
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      await page.screenshot({ path: `${SHOTS}/admin-locations-archived-${width}.png`, fullPage: true });
      await page.context().close();
    }, 30_000);
  }

  test('the API-keys page binds a new key to an active site chosen from a select, and lists its code', async () => {
    await t.a.post('/api/v1/locations', { name: 'Soho', code: 'SOHO', timeZone: 'Europe/London' });
    const soho = await siteByCode('SOHO');
    const page = await ownerAt(390);
    await openMenu(page);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name (where it is used').fill('Soho counter');
    // Archived sites are not offered.
    const options = await page.locator('#key-location option').allTextContents();
    expect(options).toEqual(['Whole group (an integration)', 'Soho (SOHO)']);
    await page.locator('#key-location').selectOption({ label: 'Soho (SOHO)' });
    await page.getByRole('button', { name: 'Create key' }).click();
    await shows(page, '#new-key', 'for Soho (SOHO)');
    const [row] = await t.sql`select id, location_id from api_keys where name = 'Soho counter'`;
    expect(row.location_id).toBe(soho.id);
    await shows(page, `#key-${row.id}`, 'SOHO');
    await page.screenshot({ path: `${SHOTS}/admin-keys-bound-390.png`, fullPage: true });
    await page.context().close();
  }, 30_000);
});
