import { describe, expect, test } from 'bun:test';
import { browserOn } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// In Chromium: selling a gift card from a customer's page links it to them (sql/0014), and their page
// lists it. Screenshots at phone and desktop widths land in the run's own shots directory.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const lena = await enrol(t.a, '+447306900001', 0, 'Lena Buyer');
const ui = browserOn(t.app);

describe("selling a gift card from a customer's page", () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    test(`at ${viewport.width} px the link opens the issue form for her, and the card sold is listed on her page`, async () => {
      const context = await ui.browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${ui.origin}/alpha/admin/login`);
      await page.getByLabel('Email').fill('owner@alpha.test');
      await page.getByLabel('Password').fill('correct horse');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${ui.origin}/alpha/admin/dashboard`);

      await page.goto(`${ui.origin}/alpha/admin/customers/${lena.id}`);
      await page.getByRole('link', { name: 'Sell a gift card to this customer' }).click();
      await page.waitForURL(`${ui.origin}/alpha/admin/gift-cards?customerId=${lena.id}`);
      await expect(page.locator('#gc-customer').textContent()).resolves.toContain('For customer Lena Buyer');
      expect(await page.getByLabel('Purchased by').inputValue()).toBe('Lena Buyer');
      await page.getByLabel('Amount (GBP)').fill('15.00');
      await page.screenshot({ path: `${ui.shots}/gift-card-for-customer-${viewport.width}.png`, fullPage: true });
      await page.getByRole('button', { name: 'Issue' }).click();
      const code = (await page.locator('#issue-form .code').textContent({ timeout: 15_000 }))!.trim();
      expect(code).toMatch(/^GC-/);

      const [row] = await t.sql`select purchaser_customer_id, initial_cents from gift_cards where code = ${code}`;
      expect(row).toEqual({ purchaser_customer_id: lena.id, initial_cents: 1500 });
      await page.goto(`${ui.origin}/alpha/admin/customers/${lena.id}`);
      await expect(page.locator('#customer-gift-cards').textContent()).resolves.toContain(code);
      await page.locator('#visit-history').screenshot({ path: `${ui.shots}/customer-gift-cards-${viewport.width}.png` });
      await context.close();
    }, 45_000);
  }
});
