import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserOn } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// The customer page's heading (and tab title) and its summary's phone and email follow changes made
// elsewhere, like the balance beside them: an API edit, then an erasure by another owner.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'ana@alpha.test', 'ana password');
await createAdmin(t.sql, t.tenantA.id, 'bob@alpha.test', 'bob password');
const ui = browserOn(t.app);

async function customerPage(width: number, customerId: string): Promise<Page> {
  const context = await ui.browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${ui.origin}/alpha/admin/login`);
  await page.getByLabel('Email').fill('ana@alpha.test');
  await page.getByLabel('Password').fill('ana password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${ui.origin}/alpha/admin/dashboard`);
  await page.goto(`${ui.origin}/alpha/admin/customers/${customerId}`);
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
  return page;
}

describe("the customer page's heading and summary are live", () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px: an API edit renames the heading and tab and changes phone and email; another owner's erasure blanks them`, async () => {
      const phone = width === 390 ? '+447306513390' : '+447306513128';
      const { id } = await enrol(t.a, phone, 0, 'Ann Original');
      const page = await customerPage(width, id);
      expect(await page.locator('h1').textContent()).toBe('Ann Original');
      expect(await page.title()).toBe('Ann Original · tillstream');

      const newPhone = width === 390 ? '+447306514390' : '+447306514128';
      const edit = await t.a.patch(`/api/v1/customers/${id}`, { name: 'Ann Renamed', email: 'ann@example.test', phone: newPhone }, { 'if-match': '"1"' });
      expect(edit.status).toBe(200);
      await page.locator('h1', { hasText: 'Ann Renamed' }).waitFor();
      await page.locator(`#customer-email-${id}`, { hasText: 'ann@example.test' }).waitFor();
      expect(await page.locator(`#customer-phone-${id}`).textContent()).toBe(newPhone);
      await page.waitForFunction(() => document.title === 'Ann Renamed · tillstream');
      await page.screenshot({ path: join(ui.shots, `heading-edited-${width}.png`), fullPage: false });

      const bob = await signIn(t.app, 'alpha', 'bob@alpha.test', 'bob password');
      expect((await bob.post(`/customers/${id}/erase`, { confirm: 'erase' })).status).toBe(200);
      await page.locator('h1', { hasText: 'Erased customer' }).waitFor();
      expect(await page.locator(`#customer-phone-${id}`).textContent()).toBe('—');
      expect(await page.locator(`#customer-email-${id}`).textContent()).toBe('—');
      await page.screenshot({ path: join(ui.shots, `heading-erased-${width}.png`), fullPage: false });
      // The rows agree with the page.
      expect((await t.sql`select name, phone, email from customers where id = ${id}`)[0]).toEqual({ name: null, phone: null, email: null });
      console.log(`screenshots: ${ui.shots}`);
      await page.context().close();
    }, 40_000);
  }
});
